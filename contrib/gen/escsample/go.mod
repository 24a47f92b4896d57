module gomem.example/escsample

go 1.19
