package cryptofield_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/autospot/autospot/cryptofield"
)

// Read and write values the way the seed's Python FieldEncryption did:
// the key is the URL-safe base64 string from Fernet.generate_key, in the
// environment.
func ExampleFernetFromEnv() {
	key, _ := cryptofield.GenerateFernetKey()
	os.Setenv("EXAMPLE_FIELD_KEY", key.Encode()) // normally set by the deployment
	defer os.Unsetenv("EXAMPLE_FIELD_KEY")

	f, err := cryptofield.FernetFromEnv("EXAMPLE_FIELD_KEY")
	if err != nil {
		log.Fatal(err)
	}
	token, _ := f.EncryptString("0412 345 678") // what encrypt_field returned
	phone, _ := f.DecryptString(token)          // what decrypt_field returned
	fmt.Println(cryptofield.IsFernetToken(token), phone)
	// Output: true 0412 345 678
}

// A value written by Python's cryptography.fernet decrypts unchanged.
func ExampleFernet_Decrypt() {
	key, _ := cryptofield.ParseFernetKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	f, _ := cryptofield.NewFernet([]cryptofield.FernetKey{key})
	// Made by Python: Fernet(key)._encrypt_from_parts(b"AutoSpot field", 1700000000, iv)
	token := "gAAAAABlU_EAZGVmZ2hpamtsbW5vcHFycx9JFXp5BxGgtNP3ehocB-URE4shvzf0R4mcoVQDgDK01s69nEol1ftQBJ07YfBlow=="
	pt, err := f.Decrypt([]byte(token))
	fmt.Printf("%s %v\n", pt, err)
	// Output: AutoSpot field <nil>
}

// Rejected tokens all wrap ErrInvalidToken; an authentic but old token
// also wraps ErrExpired.
func ExampleFernet_Decrypt_errors() {
	key, _ := cryptofield.GenerateFernetKey()
	created := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	writer, _ := cryptofield.NewFernet([]cryptofield.FernetKey{key},
		cryptofield.WithClock(func() time.Time { return created }))
	token, _ := writer.Encrypt([]byte("reset-link payload"))

	reader, _ := cryptofield.NewFernet([]cryptofield.FernetKey{key},
		cryptofield.WithTTL(15*time.Minute),
		cryptofield.WithClock(func() time.Time { return created.Add(time.Hour) }))
	_, err := reader.Decrypt(token)
	fmt.Println(errors.Is(err, cryptofield.ErrInvalidToken), errors.Is(err, cryptofield.ErrExpired))

	tampered := bytes.Clone(token)
	tampered[len(tampered)-5] ^= 1
	_, err = reader.Decrypt(tampered)
	fmt.Println(errors.Is(err, cryptofield.ErrInvalidToken), errors.Is(err, cryptofield.ErrExpired))
	// Output:
	// true true
	// true false
}

// Keys are rotated by putting the new key first: new values use it, old
// values still decrypt, and Rotate moves them over.
func ExampleFernet_Rotate() {
	oldKey, _ := cryptofield.GenerateFernetKey()
	newKey, _ := cryptofield.GenerateFernetKey()
	before, _ := cryptofield.NewFernet([]cryptofield.FernetKey{oldKey})
	stored, _ := before.EncryptString("licence ABC-123")

	during, _ := cryptofield.NewFernet([]cryptofield.FernetKey{newKey, oldKey})
	stored, _ = during.RotateString(stored)

	after, _ := cryptofield.NewFernet([]cryptofield.FernetKey{newKey})
	fmt.Println(after.DecryptString(stored))
	// Output: licence ABC-123 <nil>
}

type user struct {
	ID         string `json:"id" bson:"_id"`
	Email      string `json:"email" bson:"email"`           // AES-256-GCM text form
	EmailIndex string `json:"email_bidx" bson:"email_bidx"` // blind index, for lookups
}

// An encrypted field is a plain string in JSON and BSON documents; its
// associated data binds it to the record and field, and a blind index
// makes it findable by equality.
func ExampleKeyring() {
	key, _ := cryptofield.GenerateAEADKey(1)
	ring, _ := cryptofield.NewKeyring([]cryptofield.AEADKey{key})
	bidxKey, _ := cryptofield.GenerateBlindIndexKey()
	bidx, _ := cryptofield.ParseBlindIndex(bidxKey)

	u := user{ID: "64f1c0ffee"}
	ad := cryptofield.AssociatedData("users", u.ID, "email")
	u.Email, _ = ring.EncryptString("alice@example.com", ad)
	u.EmailIndex = bidx.Email("alice@example.com")

	doc, _ := bson.Marshal(u) // or json.Marshal: the same strings
	var back user
	_ = bson.Unmarshal(doc, &back)
	js, _ := json.Marshal(back)
	var fromJSON user
	_ = json.Unmarshal(js, &fromJSON)

	email, err := ring.DecryptString(fromJSON.Email, cryptofield.AssociatedData("users", fromJSON.ID, "email"))
	fmt.Println(email, err)
	fmt.Println(fromJSON.EmailIndex == bidx.Email("  ALICE@example.com "))

	// The same ciphertext pasted into another user's record does not decrypt.
	_, err = ring.DecryptString(fromJSON.Email, cryptofield.AssociatedData("users", "another-user", "email"))
	fmt.Println(errors.Is(err, cryptofield.ErrDecrypt))
	// Output:
	// alice@example.com <nil>
	// true
	// true
}

// After adding a new primary key, re-encrypt stored values; once none
// names the old key, drop it.
func ExampleKeyring_ReencryptString() {
	k1, _ := cryptofield.GenerateAEADKey(1)
	k2, _ := cryptofield.GenerateAEADKey(2)
	old, _ := cryptofield.NewKeyring([]cryptofield.AEADKey{k1})
	ad := cryptofield.AssociatedData("users", "u1", "phone_number")
	stored, _ := old.EncryptString("0412 345 678", ad)

	ring, _ := cryptofield.NewKeyring([]cryptofield.AEADKey{k2, k1})
	stored, rotated, err := ring.ReencryptString(stored, ad)
	fmt.Println(rotated, err)

	next, _ := cryptofield.NewKeyring([]cryptofield.AEADKey{k2})
	fmt.Println(next.DecryptString(stored, ad))
	// Output:
	// true <nil>
	// 0412 345 678 <nil>
}

func ExampleBlindIndex() {
	b, _ := cryptofield.NewBlindIndex(bytes.Repeat([]byte{7}, 32)) // use GenerateBlindIndexKey
	fmt.Println(b.Phone("+61 (2) 9876-5432") == b.Phone("61 2 9876 5432"))
	fmt.Println(b.Email("Alice@Example.com") == b.Email("bob@example.com"))
	// Output:
	// true
	// false
}
