package password

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func codes(err error) []Code {
	var pe *PolicyError
	if !errors.As(err, &pe) {
		return nil
	}
	var cs []Code
	for _, v := range pe.Violations {
		cs = append(cs, v.Code)
	}
	return cs
}

func TestPolicyCheck(t *testing.T) {
	alice := UserInfo{Email: "alice.wonder@example.com", Username: "rabbit_hole", Name: "Alice Wonderland"}
	tests := []struct {
		name   string
		policy Policy
		pw     string
		user   UserInfo
		want   []Code // exactly these, in order; nil = accepted
	}{
		// The seed's composition rules are met by these, zxcvbn still rejects them.
		{"autospot/Password1!", AutoSpot(), "Password1!", UserInfo{}, []Code{CodeCommon}},
		{"autospot/P@ssw0rd", AutoSpot(), "P@ssw0rd", UserInfo{}, []Code{CodeCommon}},
		{"autospot/Qwerty123!", AutoSpot(), "Qwerty123!", UserInfo{}, []Code{CodeCommon}},
		{"nist/Password1!", NIST(), "Password1!", UserInfo{}, []Code{CodeCommon}},
		{"nist/P@ssw0rd", NIST(), "P@ssw0rd", UserInfo{}, []Code{CodeCommon}},
		{"nist/Qwerty123!", NIST(), "Qwerty123!", UserInfo{}, []Code{CodeCommon}},
		{"nist/iloveyou", NIST(), "iloveyou", UserInfo{}, []Code{CodeCommon}},
		{"autospot/guessable repeat", AutoSpot(), "aA1!aA1!aA1!aA1!", UserInfo{}, []Code{CodeGuessable}},

		// Strong passwords pass.
		{"autospot/strong", AutoSpot(), "Gh7#kq9!Zp", UserInfo{}, nil},
		{"autospot/strong phrase", AutoSpot(), "zebra!Orbit7Fennel", alice, nil},
		{"nist/passphrase", NIST(), "correct horse battery staple", alice, nil},
		{"nist/unicode", NIST(), "ключ-от-парковки-42", UserInfo{}, nil},
		{"nist-single/15 chars", NISTSingleFactor(), "blue-Kettle-47-sing", alice, nil},

		// Every failed rule at once.
		{"autospot/all composition", AutoSpot(), "ab", UserInfo{}, []Code{CodeTooShort, CodeMissingUpper, CodeMissingDigit, CodeMissingSpecial, CodeGuessable}},
		{"autospot/missing upper", AutoSpot(), "zebra!orbit7fennel", UserInfo{}, []Code{CodeMissingUpper}},
		{"autospot/missing lower", AutoSpot(), "ZEBRA!ORBIT7FENNEL", UserInfo{}, []Code{CodeMissingLower}},
		{"autospot/missing digit", AutoSpot(), "zebra!Orbit-Fennel", UserInfo{}, []Code{CodeMissingDigit}},
		{"autospot/missing special", AutoSpot(), "zebraOrbit7Fennel", UserInfo{}, []Code{CodeMissingSpecial}},
		{"nist/no composition needed", NIST(), "zebraorbitfennelkettle", UserInfo{}, nil},
		{"nist-single/too short", NISTSingleFactor(), "Gh7#kq9!Zp", UserInfo{}, []Code{CodeTooShort}},
		{"nist/too long", NIST(), strings.Repeat("Gh7#kq9!Zp", 13), UserInfo{}, []Code{CodeTooLong}},
		{"nist/128 characters ok", NIST(), strings.Repeat("Gh7#kq9!", 16), UserInfo{}, nil},
		{"nist/128 multibyte characters ok", NIST(), "Zebra-Orbit-7-" + strings.Repeat("ü", 114), UserInfo{}, nil},
		{"nist/control character", NIST(), "zebra\x00orbit-fennel", UserInfo{}, []Code{CodeInvalidCharacter}},
		{"nist/invalid utf-8", NIST(), "zebra\xffOrbit7Fennel", UserInfo{}, []Code{CodeInvalidCharacter}},

		// User details, even inside otherwise strong passwords.
		{"autospot/email local part", AutoSpot(), "Alice.Wonder-Gh7#kq", alice, []Code{CodeUserInfo}},
		{"autospot/email word", AutoSpot(), "xWONDER#kq9!Zp", alice, []Code{CodeUserInfo}},
		{"autospot/username", AutoSpot(), "Gh7#rabbit_hole9!", alice, []Code{CodeUserInfo}},
		{"autospot/name", AutoSpot(), "wonderland-Gh7#kq9!Zp", alice, []Code{CodeUserInfo}},
		{"nist/name run together", NIST(), "xx-alicewonderland-xx", alice, []Code{CodeUserInfo}},
		{"nist/l33t username", NIST(), "r4bb1t_h0l3-Gh7#kq9!Zp", alice, []Code{CodeUserInfo}},
		{"nist/reversed username part", NIST(), "Gh7#tibbar9!Zp", alice, []Code{CodeUserInfo}},
		{"nist/other detail", NIST(), "plate-AB123CD-Gh7#kq", UserInfo{Other: []string{"AB123CD"}}, []Code{CodeUserInfo}},
		{"autospot/service name", AutoSpot(), "AutoSpot#kq9!Zp", UserInfo{}, []Code{CodeUserInfo}},
		{"nist/short detail ignored", NIST(), "zebra!Orbit7Fennel-al", UserInfo{Username: "al"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Check(tt.pw, tt.user)
			got := codes(err)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Check(%q) = %v (codes %v), want codes %v", tt.pw, err, got, tt.want)
			}
			if tt.want != nil {
				if !errors.Is(err, ErrPolicy) {
					t.Errorf("errors.Is(%v, ErrPolicy) = false", err)
				}
				var pe *PolicyError
				errors.As(err, &pe)
				for _, v := range pe.Violations {
					if v.Message == "" {
						t.Errorf("%s has no message", v.Code)
					}
				}
			}
		})
	}
}
