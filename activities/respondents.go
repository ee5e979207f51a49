package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/receipt"
	"github.com/doithoai/doithoai/internal/store"
)

// DeliverItemRespondents is the Deliver kind that tells a dialogue's
// respondents who left a contact what has been published about their
// opinions; its ItemID is the dialogue's id.
const DeliverItemRespondents = "respondents"

// Channel and item kind of respondents' notices in the deliveries table.
const (
	ChannelSMS           = "sms"
	deliveryRespondent   = "respondent"
	respondentTarget     = "respondent" // never the contact itself
	defaultContactRetain = 90 * 24 * time.Hour
)

// notifyRespondents tells each respondent of the dialogue who left a
// contact, once per channel and per news: the answer on the spot, then the
// accepted result. A notice sent is recorded as a delivery (its target is
// "respondent", never the address), so a retry skips it.
func (a *Activities) notifyRespondents(ctx context.Context, dialogueID string) (DeliverResult, error) {
	var res DeliverResult
	cs, err := a.Store.RespondentContacts(ctx, dialogueID)
	if err != nil || len(cs) == 0 {
		return res, err
	}
	attempt := 1
	if activity.IsActivity(ctx) {
		attempt = int(activity.GetInfo(ctx).Attempt)
	}
	d, statuses, err := a.Store.ContactStatuses(ctx, dialogueID)
	if err != nil {
		return res, fmt.Errorf("notify respondents: %w", err)
	}
	var failed []error
	for _, c := range cs {
		status := statuses[c.SurveyResponseID]
		if status != store.OutcomeAnsweredOnSpot && status != store.OutcomeResultAccepted {
			continue
		}
		code := receipt.Format(c.Receipt)
		url := ""
		if a.PublicURL != "" {
			url = strings.TrimRight(a.PublicURL, "/") + "/tra-cuu/" + code
		}
		subject, body, sms := lifecycle.RespondentNotice(status == store.OutcomeAnsweredOnSpot, d.Title, code, url)
		itemID := StableID("respondent/" + c.SurveyResponseID + "/" + status)
		for _, ch := range a.respondentChannels(c) {
			done, err := a.Store.Delivered(ctx, deliveryRespondent, itemID, ch, respondentTarget)
			if err != nil {
				return res, fmt.Errorf("notify respondents: %w", err)
			}
			if done {
				res.Skipped++
				continue
			}
			var sendErr error
			if ch == ChannelEmail {
				sendErr = a.Mailer.Send(ctx, []string{c.Email}, subject, body)
			} else {
				sendErr = a.SMS.Send(ctx, c.Phone, sms, itemID)
			}
			d := &store.Delivery{ItemKind: deliveryRespondent, ItemID: itemID, Channel: ch, Target: respondentTarget, Attempt: attempt, OK: sendErr == nil}
			if sendErr != nil {
				d.Error = sendErr.Error()
			}
			if err := a.Store.RecordDelivery(ctx, d); err != nil {
				return res, fmt.Errorf("notify respondents: %w", err)
			}
			if sendErr != nil {
				a.log(ctx).Warn("respondent notice failed", zap.String("channel", ch), zap.String("dialogue_id", dialogueID), zap.Error(sendErr))
				failed = append(failed, sendErr)
				continue
			}
			res.Sent++
		}
	}
	if len(failed) > 0 {
		return res, fmt.Errorf("notify respondents of %s: %d failed: %w", dialogueID, len(failed), errors.Join(failed...))
	}
	return res, nil
}

// respondentChannels lists the channels a contact can be reached on, as
// far as the worker has them configured.
func (a *Activities) respondentChannels(c store.RespondentContact) []string {
	var out []string
	if c.Email != "" && a.Mailer != nil {
		out = append(out, ChannelEmail)
	}
	if c.Phone != "" && a.SMS != nil {
		out = append(out, ChannelSMS)
	}
	return out
}

// PurgeContactsInput names the dialogue whose respondents' contacts are
// due for deletion.
type PurgeContactsInput struct {
	DialogueID string `json:"dialogue_id"`
	UnitID     string `json:"unit_id"`
}

// RetentionOfContacts answers how long contacts are kept after a dialogue
// closes (the worker's configuration, recorded in the workflow's history).
func (a *Activities) RetentionOfContacts(context.Context) (time.Duration, error) {
	if a.ContactRetention <= 0 {
		return defaultContactRetain, nil
	}
	return a.ContactRetention, nil
}

// PurgeContacts deletes a dialogue's respondents' contacts and logs the
// deletion (the count, in the audit trail and the log).
func (a *Activities) PurgeContacts(ctx context.Context, in PurgeContactsInput) (int, error) {
	ret, _ := a.RetentionOfContacts(ctx)
	n, err := a.Store.PurgeRespondentContacts(ctx, in.DialogueID, in.UnitID, ret)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		a.log(ctx).Info("respondents' contacts deleted", zap.String("dialogue_id", in.DialogueID), zap.Int("deleted", n), zap.Duration("retention", ret))
	}
	return n, nil
}
