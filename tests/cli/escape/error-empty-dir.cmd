t=$(mktemp -d); gomem escape "$t" 2>"$t.err"; s=$?; sed "s#$t#TMP#" "$t.err" >&2; rm -rf "$t" "$t.err"; exit $s
