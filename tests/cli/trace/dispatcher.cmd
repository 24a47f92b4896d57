gomem help trace >/dev/null 2>&1; gomem trace --version | sed 's/[0-9][0-9.]*/X/'
