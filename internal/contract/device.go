package contract

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
)

// The device identity of the public survey link: a random id a phone keeps
// (in the DeviceCookie the survey page and the API set, or sent as the
// DeviceHeader), so the rate limit can tell the respondents sharing one
// address (a commune hall's Wi-Fi) apart. It is not a secret and proves
// nothing: a client that invents a new one each time is held by the
// per-address and per-link budgets instead.
const (
	DeviceCookie = "doithoai_device"
	DeviceHeader = "X-Device-ID"
	// DeviceCookieMaxAge keeps the cookie a year (seconds).
	DeviceCookieMaxAge = 365 * 24 * 3600
)

var devicePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// ValidDeviceID reports whether id has the shape of a device id: 16 to 64
// characters of the URL-safe base64 alphabet.
func ValidDeviceID(id string) bool { return devicePattern.MatchString(id) }

// NewDeviceID draws a device id: 128 random bits, 22 characters.
func NewDeviceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b[:])
}
