gomem escape --source-dir contrib/gen/escsample --source-dir contrib/gen/escsample/testdata/after --diff --format json tests/data/escape/before-json tests/data/escape/after-json
