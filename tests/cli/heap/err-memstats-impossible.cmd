gomem heap explain tests/data/malformed/legacy-memstats-heapsys-zero.txt
