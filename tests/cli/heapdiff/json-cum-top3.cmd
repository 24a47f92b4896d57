gomem heapdiff --format=json --cum --top=3 contrib/examples/before.pb.gz contrib/examples/after.txt
