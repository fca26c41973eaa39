// Command accord-signer serves accord's check-signer protocol on stdin/stdout:
//
//	go build -o accord-signer ./cmd/accord-signer && npx accord check-signer --scheme all --command './accord-signer serve'
package main

import (
	"fmt"
	"os"

	signer "accord.example/signer"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] != "serve" {
		fmt.Fprintln(os.Stderr, "usage: accord-signer serve (one JSON request per line on stdin; see specs/VECTORS.md)")
		os.Exit(2)
	}
	if err := signer.Serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "accord-signer:", err)
		os.Exit(1)
	}
}
