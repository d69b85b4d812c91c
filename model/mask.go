package model

import (
	"fmt"
	"unicode/utf8"
)

// Mask hides a secret: at most 4 leading characters plus the length, e.g.
// "sk-a…(51 chars)". Short secrets (under 12 characters) show no prefix at
// all, so a weak token such as "hook" is never printed.
func Mask(secret string) string {
	n := utf8.RuneCountInString(secret)
	if n == 0 {
		return `""`
	}
	if n < 12 {
		return fmt.Sprintf("…(%d chars)", n)
	}
	prefix := []rune(secret)[:4]
	return fmt.Sprintf("%s…(%d chars)", string(prefix), n)
}
