package worker

import (
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/notify"
	"github.com/doithoai/doithoai/internal/store"
)

// NewActivities builds the activities with their dependencies from the
// configuration: the working-day calendar (with the deployment's holiday
// file), the webhook client and, when SMTP_ADDR and SMS_GATEWAY_URL are
// set, the mailer and the SMS gateway.
func NewActivities(cfg config.Config, st *store.Store, log *zap.Logger) (*activities.Activities, error) {
	cal, err := cfg.Calendar()
	if err != nil {
		return nil, err
	}
	a := &activities.Activities{Store: st, Logger: log, Calendar: cal, Webhook: &notify.Webhook{},
		PublicURL: cfg.PublicURL, ContactRetention: cfg.ContactRetention}
	if cfg.SMTPAddr != "" {
		a.Mailer = &notify.Mailer{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, TLS: cfg.SMTPTLS}
	}
	if cfg.SMSGatewayURL != "" {
		a.SMS = &notify.SMS{URL: cfg.SMSGatewayURL, Token: cfg.SMSGatewayToken}
	}
	return a, nil
}

// FromConfig builds the worker of a process from its configuration: the
// activities (NewActivities) on the configured task queue, with the
// configured sticky cache size.
func FromConfig(c client.Client, cfg config.Config, st *store.Store, log *zap.Logger) (*Worker, error) {
	acts, err := NewActivities(cfg, st, log)
	if err != nil {
		return nil, err
	}
	acts.Temporal = c
	return New(c, acts, Options{TaskQueue: cfg.TaskQueue, WorkflowCacheSize: cfg.WorkflowCacheSize, Pollers: cfg.WorkerPollers}), nil
}
