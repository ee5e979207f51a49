package contract

import (
	"github.com/doithoai/doithoai/internal/store"
)

// ChannelsRequest is the body of PUT /units/{id}/channels.
type ChannelsRequest struct {
	WebhookURL    *string          `json:"webhook_url"`
	WebhookSecret *string          `json:"webhook_secret"`
	Contacts      []ContactRequest `json:"contacts"`
}

// ContactRequest is an e-mail contact of a unit for a role.
type ContactRequest struct {
	Role  string `json:"role"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// ChannelsView answers the channels endpoints; the secret is never shown.
type ChannelsView struct {
	store.Channels
	WebhookSecretSet bool `json:"webhook_secret_set"`
}
