#!/bin/sh
# Broker (the official image's runbroker.sh: default heap -Xms2g -Xmx2g -Xmn1g -XX:MaxDirectMemorySize=1g, +AlwaysPreTouch).
JAVA_OPT="${JAVA_OPT} -XX:+AlwaysPreTouch" sh "$(dirname "$0")/runjava.sh" "-Xms2g -Xmx2g -Xmn1g -XX:MaxDirectMemorySize=1g" broker "$@"
