gomem snapshot -o /dev/null http://a http://b
