// Command cryptofield shows the cryptofield package on its own: field
// encryption compatible with the AutoSpot Python stack (Fernet), the
// AES-256-GCM key ring with record binding and rotation, blind indexes for
// lookups, and moving a legacy Fernet value to the key ring.
//
//	go run ./examples/cryptofield            # the demo, with throw-away keys
//	go run ./examples/cryptofield -genkeys   # print a fresh set of keys for the environment
//
// Keys are read from AUTOSPOT_FERNET_KEYS, AUTOSPOT_FIELD_KEYS and
// AUTOSPOT_BLIND_INDEX_KEY when set (or their _FILE variants).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/autospot/autospot/cryptofield"
)

func main() {
	genkeys := flag.Bool("genkeys", false, "print new keys as environment variable assignments and exit")
	flag.Parse()
	var err error
	if *genkeys {
		err = genKeys()
	} else {
		err = run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cryptofield example:", err)
		os.Exit(1)
	}
}

func genKeys() error {
	fk, err := cryptofield.GenerateFernetKey()
	if err != nil {
		return err
	}
	ak, err := cryptofield.GenerateAEADKey(1)
	if err != nil {
		return err
	}
	bk, err := cryptofield.GenerateBlindIndexKey()
	if err != nil {
		return err
	}
	fmt.Printf("AUTOSPOT_FERNET_KEYS=%s\n", fk.Encode())
	fmt.Printf("AUTOSPOT_FIELD_KEYS=%s\n", ak.Encode())
	fmt.Printf("AUTOSPOT_BLIND_INDEX_KEY=%s\n", bk)
	return nil
}

// ensureEnv sets throw-away keys for the demo when the environment has none.
func ensureEnv() error {
	if os.Getenv("AUTOSPOT_FERNET_KEYS") == "" {
		k, _ := cryptofield.GenerateFernetKey()
		os.Setenv("AUTOSPOT_FERNET_KEYS", k.Encode())
	}
	if os.Getenv("AUTOSPOT_FIELD_KEYS") == "" {
		k, _ := cryptofield.GenerateAEADKey(1)
		os.Setenv("AUTOSPOT_FIELD_KEYS", k.Encode())
	}
	if os.Getenv("AUTOSPOT_BLIND_INDEX_KEY") == "" {
		k, err := cryptofield.GenerateBlindIndexKey()
		if err != nil {
			return err
		}
		os.Setenv("AUTOSPOT_BLIND_INDEX_KEY", k)
	}
	return nil
}

func run() error {
	if err := ensureEnv(); err != nil {
		return err
	}
	fernet, err := cryptofield.FernetFromEnv("AUTOSPOT_FERNET_KEYS")
	if err != nil {
		return err
	}
	ring, err := cryptofield.KeyringFromEnv("AUTOSPOT_FIELD_KEYS")
	if err != nil {
		return err
	}
	bidx, err := cryptofield.BlindIndexFromEnv("AUTOSPOT_BLIND_INDEX_KEY")
	if err != nil {
		return err
	}

	// 1. Fernet, as the seed's FieldEncryption wrote it.
	legacy, err := fernet.EncryptString("0412 345 678")
	if err != nil {
		return err
	}
	phone, err := fernet.DecryptString(legacy)
	if err != nil {
		return err
	}
	fmt.Printf("Fernet token (Python-readable): %.40s…\n  decrypts to %q\n", legacy, phone)

	// 2. The key ring: bound to the record and field.
	userID := "64f1c0ffee"
	ad := cryptofield.AssociatedData("users", userID, "email")
	email, err := ring.EncryptString("alice@example.com", ad)
	if err != nil {
		return err
	}
	fmt.Printf("AES-256-GCM value (key %d): %.40s…\n", ring.PrimaryID(), email)
	_, err = ring.DecryptString(email, cryptofield.AssociatedData("users", "someone-else", "email"))
	fmt.Printf("  pasted into another user's record: %v (ErrDecrypt: %v)\n", err, errors.Is(err, cryptofield.ErrDecrypt))

	// 3. Blind index: find the user by e-mail without decrypting.
	fmt.Printf("blind index of \" Alice@Example.COM \": %s\n", bidx.Email(" Alice@Example.COM "))
	fmt.Printf("  equals the stored index: %v\n", bidx.Email(" Alice@Example.COM ") == bidx.Email("alice@example.com"))

	// 4. Rotation: a new primary key, re-encryption, the old key dropped.
	newKey, _ := cryptofield.GenerateAEADKey(ring.PrimaryID() + 1)
	first := strings.FieldsFunc(os.Getenv("AUTOSPOT_FIELD_KEYS"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })[0]
	old, err := cryptofield.ParseAEADKey(first)
	if err != nil {
		return err
	}
	rotating, err := cryptofield.NewKeyring([]cryptofield.AEADKey{newKey, old})
	if err != nil {
		return err
	}
	email, rotated, err := rotating.ReencryptString(email, ad)
	if err != nil {
		return err
	}
	next, _ := cryptofield.NewKeyring([]cryptofield.AEADKey{newKey})
	plain, err := next.DecryptString(email, ad)
	fmt.Printf("rotated to key %d: %v; new ring reads %q (%v)\n", newKey.ID(), rotated, plain, err)

	// 5. Migrating a legacy Fernet value to the key ring.
	migrated, err := cryptofield.MigrateFernet(fernet, ring, legacy, cryptofield.AssociatedData("users", userID, "phone_number"))
	if err != nil {
		return err
	}
	fmt.Printf("migrated Fernet → key ring: %.40s…\n", migrated)

	// Keys never print by accident.
	fmt.Printf("printing a key: %v\n", newKey)
	return nil
}
