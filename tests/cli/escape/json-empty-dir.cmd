t=$(mktemp -d); mkdir "$t/example.com%2Fempty"; gomem escape "$t" >"$t.out" 2>"$t.err"; s=$?; sed "s#$t#TMP#" "$t.out"; sed "s#$t#TMP#" "$t.err" >&2; rm -rf "$t" "$t.out" "$t.err"; exit $s
