package main

import (
	"bytes"
	"io"
	"mime/quotedprintable"
)

func decodeQP(b []byte) (string, error) {
	out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
	return string(out), err
}
