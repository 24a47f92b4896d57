gomem heapdiff --ignore='^main\.\(\*responseCache\)' contrib/examples/before.pb.gz contrib/examples/after.pb.gz
