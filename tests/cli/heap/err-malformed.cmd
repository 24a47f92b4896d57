gomem heap explain tests/data/malformed/legacy-garbage-record.txt
