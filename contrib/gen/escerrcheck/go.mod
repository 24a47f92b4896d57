module gomem.example/escerrcheck

go 1.19
