gomem escape --format csv tests/data/escape/malformed/broken-json
