gomem escape --source-dir contrib/gen/escsample/testdata/after --format tsv tests/data/escape/after-m2-go1.23.txt
