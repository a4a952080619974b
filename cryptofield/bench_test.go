package cryptofield_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/autospot/autospot/cryptofield"
)

// benchSizes are the value sizes compared with Python in bench/fernet: an
// e-mail address-sized field and a 1 KiB value.
var benchSizes = []int{32, 1024}

func BenchmarkKeyringEncrypt(b *testing.B) {
	r := mustKeyring(b, mustAEADKey(b, 1))
	ad := cryptofield.AssociatedData("users", "64f1c0ffee", "email")
	for _, n := range benchSizes {
		pt := bytes.Repeat([]byte("a"), n)
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Encrypt(pt, ad); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkKeyringDecrypt(b *testing.B) {
	r := mustKeyring(b, mustAEADKey(b, 1))
	ad := cryptofield.AssociatedData("users", "64f1c0ffee", "email")
	for _, n := range benchSizes {
		ct, _ := r.Encrypt(bytes.Repeat([]byte("a"), n), ad)
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Decrypt(ct, ad); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFernetEncrypt(b *testing.B) {
	k, _ := cryptofield.GenerateFernetKey()
	f := mustFernet(b, []cryptofield.FernetKey{k})
	for _, n := range benchSizes {
		pt := bytes.Repeat([]byte("a"), n)
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.Encrypt(pt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFernetDecrypt(b *testing.B) {
	k, _ := cryptofield.GenerateFernetKey()
	f := mustFernet(b, []cryptofield.FernetKey{k})
	for _, n := range benchSizes {
		tok, _ := f.Encrypt(bytes.Repeat([]byte("a"), n))
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.Decrypt(tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBlindIndexEmail(b *testing.B) {
	bi, _ := cryptofield.NewBlindIndex(bytes.Repeat([]byte{1}, 32))
	b.ReportAllocs()
	for b.Loop() {
		_ = bi.Email(" Alice@Example.com ")
	}
}
