#!/bin/sh
# Name server, controller and proxy (the official image's runserver.sh: default heap -Xms1g -Xmx1g -Xmn512M, +AlwaysPreTouch).
exec_role="$1"; shift
JAVA_OPT="${JAVA_OPT} -XX:+AlwaysPreTouch" sh "$(dirname "$0")/runjava.sh" "-Xms1g -Xmx1g -Xmn512M" "$exec_role" "$@"
