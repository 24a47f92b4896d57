module gomem.example/hostile

go 1.19
