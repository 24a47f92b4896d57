gomem limits --heap x.txt
