// Package notify delivers alerts, reminders and notices outside the API: as
// signed JSON to a unit's webhook and as plain-text e-mail over SMTP.
//
// # Webhook scheme
//
// Each delivery is one HTTP POST of an [Event] as JSON
// (Content-Type: application/json; charset=utf-8) with three headers:
//
//	X-Doithoai-Delivery:  <alert or notice id>
//	X-Doithoai-Timestamp: <Unix time in seconds when the request was signed>
//	X-Doithoai-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>
//
// where secret is the unit's webhook secret, timestamp is the header value
// as sent (decimal digits) and body is the raw request body, byte for byte.
// A receiver recomputes the HMAC over the bytes it read, compares it in
// constant time with the header, rejects a timestamp too far from its own
// clock (five minutes is usual) to stop replays, and answers 2xx once it
// has stored the event. Any other status, or no answer within the timeout,
// counts as a failure and the delivery is retried with backoff, so a
// receiver must drop an X-Doithoai-Delivery id it has already accepted.
// [Verify] implements the receiver side. A unit without a secret gets no
// signature header.
//
// # E-mail
//
// [Mailer] sends one plain-text UTF-8 message (quoted-printable, RFC 2047
// subject) per call; [MailFor] renders an event as Vietnamese text followed
// by English.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strconv"
	"strings"
	"time"
)

// Webhook headers.
const (
	HeaderDelivery  = "X-Doithoai-Delivery"
	HeaderTimestamp = "X-Doithoai-Timestamp"
	HeaderSignature = "X-Doithoai-Signature"
)

// DefaultWebhookTimeout bounds one webhook request when the client sets no
// timeout of its own.
const DefaultWebhookTimeout = 10 * time.Second

// Errors returned by Verify.
var (
	ErrNoSecret         = errors.New("webhook: no secret to verify with")
	ErrMissingSignature = errors.New("webhook: missing or malformed signature headers")
	ErrStaleTimestamp   = errors.New("webhook: timestamp outside the allowed skew")
	ErrBadSignature     = errors.New("webhook: signature mismatch")
)

// Webhook posts signed events to HTTP endpoints.
type Webhook struct {
	// Client sends the requests; nil means a client that does not follow
	// redirects and gives up after DefaultWebhookTimeout.
	Client *http.Client
}

// Post sends body to url, signed with secret, with deliveryID as the
// X-Doithoai-Delivery header. It returns the HTTP status when there was a
// response; a status other than 2xx is an error that names it.
func (w *Webhook) Post(ctx context.Context, url, secret, deliveryID string, body []byte) (status int, err error) {
	c := w.Client
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if c.Timeout == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultWebhookTimeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("post webhook: build request: %w", err)
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "doithoai-webhook/1")
	req.Header.Set(HeaderDelivery, deliveryID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	if secret != "" {
		req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	}
	resp, err := c.Do(req)
	if err != nil {
		var ue *neturl.Error
		if errors.As(err, &ue) {
			ue.URL = RedactURL(ue.URL)
		}
		return 0, fmt.Errorf("post webhook: %w", err)
	}
	defer resp.Body.Close()
	// Read a little of the answer: it explains a failure, and draining it
	// lets the connection be reused.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := strings.TrimSpace(string(snippet))
		if msg != "" {
			msg = ": " + msg
		}
		return resp.StatusCode, fmt.Errorf("post webhook: receiver answered %s%s", resp.Status, msg)
	}
	return resp.StatusCode, nil
}

// RedactURL returns a webhook URL fit for logs and error messages: without
// user info, query or fragment, where services often put tokens.
func RedactURL(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// Sign returns the X-Doithoai-Signature value for body sent at ts (Unix
// seconds): "sha256=" and the hex HMAC-SHA256 of ts + "." + body under
// secret.
func Sign(secret string, ts int64, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, strconv.FormatInt(ts, 10), body))
}

func mac(secret, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks the signature headers h of a webhook request whose raw body
// is body, as a receiver does: the signature must match (compared in
// constant time) and the timestamp must lie within maxSkew of now. It
// returns nil, or an error that wraps ErrNoSecret, ErrMissingSignature,
// ErrStaleTimestamp or ErrBadSignature.
func Verify(secret string, h http.Header, body []byte, now time.Time, maxSkew time.Duration) error {
	if secret == "" {
		return ErrNoSecret
	}
	tsText := h.Get(HeaderTimestamp)
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("verify webhook: timestamp %q: %w", tsText, ErrMissingSignature)
	}
	hexSig, ok := strings.CutPrefix(h.Get(HeaderSignature), "sha256=")
	if !ok {
		return fmt.Errorf("verify webhook: %w", ErrMissingSignature)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return fmt.Errorf("verify webhook: signature is not hex: %w", ErrMissingSignature)
	}
	if !hmac.Equal(got, mac(secret, tsText, body)) {
		return fmt.Errorf("verify webhook: %w", ErrBadSignature)
	}
	if skew := now.Sub(time.Unix(ts, 0)).Abs(); skew > maxSkew {
		return fmt.Errorf("verify webhook: signed %s away from now: %w", skew.Round(time.Second), ErrStaleTimestamp)
	}
	return nil
}
