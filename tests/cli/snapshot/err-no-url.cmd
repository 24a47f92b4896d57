gomem snapshot -o x.html
