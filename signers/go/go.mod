module accord.example/signer

go 1.19
