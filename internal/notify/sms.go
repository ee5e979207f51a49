package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// SMS sends text messages through an HTTP SMS gateway. The contract is
// deliberately small, so any provider can sit behind a thin adapter:
//
//	POST {URL}
//	Authorization: Bearer {Token}        (when a token is set)
//	Content-Type: application/json
//	Idempotency-Key: {key}               (the same for a retried message)
//	{"to": "+84912345678", "text": "…"}
//
// Any 2xx answer means the gateway took the message; anything else, or no
// answer within Timeout, is an error and the message is tried again later.
type SMS struct {
	URL     string
	Token   string
	Timeout time.Duration
	Client  *http.Client
}

// Send posts one message to the gateway; key lets the gateway drop a
// message it has taken before.
func (g *SMS) Send(ctx context.Context, to, text, key string) error {
	body, err := json.Marshal(map[string]string{"to": to, "text": text})
	if err != nil {
		return fmt.Errorf("sms: encode: %w", err)
	}
	timeout := g.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sms: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	if g.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.Token)
	}
	c := g.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("sms: post to gateway %s: %w", RedactURL(g.URL), err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sms: gateway %s answered %d", RedactURL(g.URL), resp.StatusCode)
	}
	return nil
}
