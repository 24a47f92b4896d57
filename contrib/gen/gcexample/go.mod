module gomem.example/gcexample

go 1.19
