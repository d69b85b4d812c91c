package remediate

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
)

// tokenRand is the entropy source of GenerateToken (crypto/rand; tests may
// swap in a failing reader to exercise the error path).
var tokenRand io.Reader = rand.Reader

// GenerateToken returns a new gateway/hooks token the way
// `openclaw doctor --generate-gateway-token` and the onboarding wizard make
// one: 24 random bytes from crypto/rand as 48 lowercase hex characters.
func GenerateToken() (string, error) {
	b := make([]byte, 24)
	if _, err := io.ReadFull(tokenRand, b); err != nil {
		return "", fmt.Errorf("cannot generate a random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
