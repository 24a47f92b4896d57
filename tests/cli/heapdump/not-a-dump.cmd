gomem heapdump README.md
