#!/bin/sh
# mqadmin and other tools: a small heap, as the distribution's tools.sh.
HEAP_OPTS="-Xms256m -Xmx256m" JAVA_OPT_EXT="" sh "$(dirname "$0")/runjava.sh" "" tools "$@"
