gomem snapshot -o /dev/null contrib/examples/after.txt
