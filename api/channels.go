package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

var contactRoles = map[string]bool{
	domain.RolePlanner: true, domain.RoleHost: true, domain.RoleOfficer: true, domain.RoleMonitor: true,
	domain.RoleMTTQ: true, domain.RolePartyCommittee: true, domain.RoleAdmin: true,
}

// putChannels answers PUT /units/{id}/channels. The body is checked before
// the unit is read (the guard has already required the admin role); a unit
// outside the caller's subtree then answers 404.
func (s *Server) putChannels(c *gin.Context) {
	id, err := uuidParam(c, "id", "đơn vị", "Unit")
	if err != nil {
		abort(c, err)
		return
	}
	var req contract.ChannelsRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	ch := store.Channels{UnitID: id, Contacts: []store.Contact{}}
	var errs []contract.FieldError
	if req.WebhookURL != nil && *req.WebhookURL != "" {
		u, err := url.Parse(*req.WebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(*req.WebhookURL) > 2000 {
			errs = append(errs, fieldErrorMsg("webhook_url", "invalid_url", "Webhook phải là địa chỉ http(s) đầy đủ.", "webhook_url must be an absolute http(s) URL."))
		}
		ch.WebhookURL = *req.WebhookURL
	}
	keepSecret := ch.WebhookURL != "" && req.WebhookSecret == nil
	if req.WebhookSecret != nil {
		if len(*req.WebhookSecret) < 16 {
			errs = append(errs, fieldErrorMsg("webhook_secret", "too_short", "Khóa ký webhook cần ít nhất 16 ký tự.", "webhook_secret needs at least 16 characters."))
		}
		ch.WebhookSecret = *req.WebhookSecret
		if ch.WebhookURL == "" {
			errs = append(errs, fieldErrorMsg("webhook_url", "required", "Khóa ký chỉ dùng cùng địa chỉ webhook.", "A webhook_secret goes with a webhook_url."))
		}
	}
	if len(req.Contacts) > 100 {
		errs = append(errs, fieldError("contacts", "too_many"))
	}
	for i, ct := range req.Contacts {
		p := fmt.Sprintf("contacts[%d]", i)
		if !contactRoles[ct.Role] {
			errs = append(errs, fieldError(p+".role", "invalid_enum"))
		}
		e := strings.TrimSpace(ct.Email)
		if at := strings.LastIndex(e, "@"); at < 1 || at == len(e)-1 || strings.ContainsAny(e, " \r\n<>,") || len(e) > 254 {
			errs = append(errs, fieldErrorMsg(p+".email", "invalid_email", "Địa chỉ thư điện tử không hợp lệ.", "Invalid e-mail address."))
		}
		checkText(&errs, p+".name", ct.Name, false, 200)
		ch.Contacts = append(ch.Contacts, store.Contact{Role: ct.Role, Email: e, Name: strings.TrimSpace(ct.Name)})
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	if _, ok := s.loadUnit(c); !ok {
		return
	}
	if keepSecret {
		// A new URL without a secret keeps the stored secret, if there is one.
		cur, err := s.Store.GetChannels(c.Request.Context(), id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			abort(c, err)
			return
		}
		if cur == nil || cur.WebhookSecret == "" {
			errs = append(errs, fieldErrorMsg("webhook_secret", "required", "Cần khóa ký webhook (ít nhất 16 ký tự).", "A webhook_secret (at least 16 characters) is required."))
		}
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	act := actor(c)
	ev := store.NewEvent("", act.ID, act.Role, "unit.channels_set", "unit", id, id, act.RequestID, map[string]any{"webhook": ch.WebhookURL != "", "contacts": len(ch.Contacts)})
	if err := s.Store.SetChannels(c.Request.Context(), ch, ev); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = notFoundError("đơn vị", "Unit")
		}
		abort(c, err)
		return
	}
	s.respondChannels(c, id)
}

func (s *Server) getChannels(c *gin.Context) {
	u, ok := s.loadUnit(c)
	if !ok {
		return
	}
	s.respondChannels(c, u.ID)
}

func (s *Server) respondChannels(c *gin.Context, id string) {
	ch, err := s.Store.GetChannels(c.Request.Context(), id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = notFoundError("đơn vị", "Unit")
		}
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, contract.ChannelsView{Channels: *ch, WebhookSecretSet: ch.WebhookSecret != ""})
}
