gomem escape --source-dir contrib/gen/escsample --format ndjson tests/data/escape/before-json
