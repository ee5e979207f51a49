package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/notify"
	"github.com/doithoai/doithoai/internal/store"
)

// Item kinds a Deliver call names (the deliveries.item_kind values).
const (
	DeliverItemAlert        = "alert"
	DeliverItemNotification = "notification"
)

// Delivery channels (the deliveries.channel values).
const (
	ChannelWebhook = "webhook"
	ChannelEmail   = "email"
)

// DeliverInput names the alert or notice to deliver.
type DeliverInput struct {
	// ItemKind is alert or notification.
	ItemKind string `json:"item_kind"`
	ItemID   string `json:"item_id"`
}

// DeliverResult counts the targets reached by this call and those skipped
// because an earlier attempt already reached them.
type DeliverResult struct {
	Sent    int `json:"sent"`
	Skipped int `json:"skipped"`
}

// deliveryTarget is one place an item goes: the unit's webhook or one
// e-mail address.
type deliveryTarget struct {
	channel string
	target  string
}

// Deliver sends a stored alert or notice to its unit's webhook and by
// e-mail to the unit's contacts for the recipient role (a reminder goes to
// the officers; another notice only to a recipient that is an e-mail
// address). Every attempt is recorded; a target that an earlier attempt
// reached is skipped, so a retry never sends it twice. When any target
// fails the activity fails, after trying all of them, and Temporal retries
// it with backoff. A channel the worker has not configured is left out.
func (a *Activities) Deliver(ctx context.Context, in DeliverInput) (DeliverResult, error) {
	if in.ItemKind == DeliverItemRespondents {
		return a.notifyRespondents(ctx, in.ItemID)
	}
	var res DeliverResult
	ev, err := a.deliveryEvent(ctx, in)
	if err != nil {
		return res, err
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return res, fmt.Errorf("deliver %s %s: encode event: %w", in.ItemKind, in.ItemID, err)
	}
	targets, ch, err := a.targets(ctx, ev)
	if err != nil {
		return res, fmt.Errorf("deliver %s %s: %w", in.ItemKind, in.ItemID, err)
	}
	if len(targets) == 0 {
		return res, nil
	}

	attempt := 1
	if activity.IsActivity(ctx) {
		attempt = int(activity.GetInfo(ctx).Attempt)
	}
	log := a.log(ctx).With(zap.String("item_kind", in.ItemKind), zap.String("item_id", in.ItemID), zap.String("unit_id", ev.UnitID))
	subject, text := notify.MailFor(ev)
	var failed []error
	for _, t := range targets {
		done, err := a.Store.Delivered(ctx, in.ItemKind, in.ItemID, t.channel, t.target)
		if err != nil {
			return res, fmt.Errorf("deliver %s %s: %w", in.ItemKind, in.ItemID, err)
		}
		if done {
			res.Skipped++
			continue
		}
		d := &store.Delivery{ItemKind: in.ItemKind, ItemID: in.ItemID, Channel: t.channel, Target: t.target, Attempt: attempt}
		var sendErr error
		switch t.channel {
		case ChannelWebhook:
			status, err := a.Webhook.Post(ctx, t.target, ch.WebhookSecret, ev.ID, body)
			if status != 0 {
				d.HTTPStatus = &status
			}
			sendErr = err
		case ChannelEmail:
			sendErr = a.Mailer.Send(ctx, []string{t.target}, subject, text)
		}
		d.OK = sendErr == nil
		if sendErr != nil {
			d.Error = sendErr.Error()
		}
		if err := a.Store.RecordDelivery(ctx, d); err != nil {
			// A sent item whose record is lost goes out again on the retry;
			// receivers drop it by its delivery id.
			return res, fmt.Errorf("deliver %s %s: %w", in.ItemKind, in.ItemID, err)
		}
		fields := []zap.Field{zap.String("channel", t.channel), zap.String("target", logTarget(t)), zap.Int("attempt", attempt)}
		if d.HTTPStatus != nil {
			fields = append(fields, zap.Int("http_status", *d.HTTPStatus))
		}
		if sendErr != nil {
			log.Warn("delivery failed", append(fields, zap.Error(sendErr))...)
			failed = append(failed, fmt.Errorf("%s to %s: %w", t.channel, logTarget(t), sendErr))
			continue
		}
		res.Sent++
		log.Info("delivered", fields...)
	}
	if len(failed) > 0 {
		return res, fmt.Errorf("deliver %s %s: %d of %d targets failed: %w", in.ItemKind, in.ItemID, len(failed), len(targets), errors.Join(failed...))
	}
	return res, nil
}

// targets lists where an event goes: its unit's webhook and the e-mail
// addresses of the unit's contacts for it, as far as those channels are on.
func (a *Activities) targets(ctx context.Context, ev notify.Event) ([]deliveryTarget, *store.Channels, error) {
	ch, err := a.Store.GetChannels(ctx, ev.UnitID)
	if err != nil {
		return nil, nil, err
	}
	var targets []deliveryTarget
	if a.Webhook != nil && ch.WebhookURL != "" {
		targets = append(targets, deliveryTarget{ChannelWebhook, ch.WebhookURL})
	}
	if a.Mailer != nil {
		for _, addr := range emailTargets(ev, ch.Contacts) {
			targets = append(targets, deliveryTarget{ChannelEmail, addr})
		}
	}
	return targets, ch, nil
}

// deliveryEvent loads the item and builds its event. An unknown kind or a
// missing item is not retried: no retry can make it appear.
func (a *Activities) deliveryEvent(ctx context.Context, in DeliverInput) (notify.Event, error) {
	var (
		ev  notify.Event
		err error
	)
	switch in.ItemKind {
	case DeliverItemAlert:
		var al *store.Alert
		if al, err = a.Store.GetAlert(ctx, in.ItemID); err == nil {
			ev = notify.EventFromAlert(al)
		}
	case DeliverItemNotification:
		var n *store.Notification
		if n, err = a.Store.GetNotification(ctx, in.ItemID); err == nil {
			ev = notify.EventFromNotification(n)
		}
	default:
		err = fmt.Errorf("unknown item kind %q", in.ItemKind)
		return ev, temporal.NewNonRetryableApplicationError(fmt.Sprintf("deliver %s %s: %v", in.ItemKind, in.ItemID, err), "bad_input", err)
	}
	if err != nil {
		err = fmt.Errorf("deliver %s %s: %w", in.ItemKind, in.ItemID, err)
		if errors.Is(err, store.ErrNotFound) {
			return ev, temporal.NewNonRetryableApplicationError(err.Error(), "not_found", err)
		}
		return ev, err
	}
	return ev, nil
}

// emailTargets lists the addresses an event is mailed to: the unit's
// contacts for its recipient role or, for a notice without a role, the
// recipient itself when it is an e-mail address.
func emailTargets(ev notify.Event, contacts []store.Contact) []string {
	var out []string
	if ev.RecipientRole != "" {
		for _, c := range contacts {
			if c.Role == ev.RecipientRole && c.Email != "" {
				out = append(out, c.Email)
			}
		}
		return out
	}
	if strings.Contains(ev.Recipient, "@") {
		if addr, err := mail.ParseAddress(ev.Recipient); err == nil {
			out = append(out, addr.Address)
		}
	}
	return out
}

// logTarget shows a target without what may be secret (see
// notify.RedactURL).
func logTarget(t deliveryTarget) string {
	if t.channel == ChannelWebhook {
		return notify.RedactURL(t.target)
	}
	return t.target
}

// UndeliveredInput names an item that was not through within its delivery
// bound, and why.
type UndeliveredInput struct {
	ItemKind string `json:"item_kind"`
	ItemID   string `json:"item_id"`
	Reason   string `json:"reason"`
}

// maxReasonBytes caps the reason kept with an undelivered item.
const maxReasonBytes = 1000

// RecordUndelivered records an item the workflow stopped retrying, for
// operators (GET /api/v1/deliveries and the deliveries gauge).
func (a *Activities) RecordUndelivered(ctx context.Context, in UndeliveredInput) error {
	reason := strings.ToValidUTF8(in.Reason, "")
	if len(reason) > maxReasonBytes {
		reason = strings.ToValidUTF8(reason[:maxReasonBytes], "")
	}
	if err := a.Store.RecordUndelivered(ctx, in.ItemKind, in.ItemID, reason); err != nil {
		return err
	}
	a.log(ctx).Warn("delivery given up: recorded as undelivered", zap.String("item_kind", in.ItemKind), zap.String("item_id", in.ItemID), zap.String("reason", reason))
	return nil
}
