package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/web"
)

// devTokenTTL is how long the printed dev tokens are valid.
const devTokenTTL = 30 * 24 * time.Hour

// devAdmin is the administrator bound to no unit: creates the demo units.
var devAdmin = auth.Principal{Subject: "admin", Name: "Quản trị hệ thống", Roles: []string{auth.RoleAdmin}}

// devSecret is AUTH_HS256_SECRET or, without it, a random secret kept in
// the data folder so tokens printed by one run still work in the next.
func devSecret(configured, dataDir string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	path := filepath.Join(dataDir, "jwt-secret")
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) >= 64 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read dev token secret: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("keep dev token secret: %w", err)
	}
	return []byte(secret), nil
}

// demoUser is one demo account and what it is for.
type demoUser struct {
	auth.Principal
	what string
}

// demoUsers are one user per role on the demo units: the province (Hưng
// Yên), Xã Thư Vũ (formed by a merger; its users read its predecessors'
// history) and another commune (Xã Vũ Thư).
func demoUsers(province, commune, other string) []demoUser {
	u := func(sub, name, role, unit, what string) demoUser {
		return demoUser{auth.Principal{Subject: sub, Name: name, Roles: []string{role}, UnitID: unit}, what}
	}
	return []demoUser{
		u("planner.hungyen", "Lê Thị Mai", auth.RolePlanner, province, "lập kế hoạch, ghi kết quả hội nghị / plans, sessions"),
		u("host.hungyen", "Trần Quốc Văn", auth.RoleHost, province, "chủ trì, quyết định gia hạn / chairs, decides extensions"),
		u("monitor.hungyen", "Đỗ Văn Nam", auth.RoleMonitor, province, "theo dõi nhiệm vụ địa bàn / watches the area's tasks"),
		u("mttq.hungyen", "Bùi Văn Long", auth.RoleMTTQ, province, "giám sát cả tỉnh / supervises the province"),
		u("capuy.hungyen", "Ngô Văn Tâm", auth.RolePartyCommittee, province, "cấp ủy tỉnh, nhận cảnh báo bậc cao / top-rung alerts"),
		u("admin.hungyen", "Đặng Văn Quý", auth.RoleAdmin, province, "quản trị đơn vị của tỉnh / the province's units"),
		u("planner.thuvu", "Nguyễn Thị Hạnh", auth.RolePlanner, commune, "kế hoạch của xã Thư Vũ, xem lịch sử các xã cũ / the commune, and its old communes' history"),
		u("officer.thuvu", "Trần Văn Bình", auth.RoleOfficer, commune, "thực hiện nhiệm vụ của xã Thư Vũ / the commune's tasks"),
		u("mttq.thuvu", "Phạm Thị Thu", auth.RoleMTTQ, commune, "giám sát xã Thư Vũ / supervises one commune"),
		u("officer.vuthu", "Vũ Thị Hoa", auth.RoleOfficer, other, "nhiệm vụ của xã Vũ Thư / another commune's tasks"),
	}
}

// printDemoTokens mints and prints a token per demo user and returns them
// by subject.
func printDemoTokens(minter *auth.HS256, province, commune, other string) (map[string]string, error) {
	out := map[string]string{}
	fmt.Printf("  Demo users (Authorization: Bearer <token>, valid %d days):\n", int(devTokenTTL.Hours()/24))
	for _, u := range demoUsers(province, commune, other) {
		tok, err := minter.Mint(u.Principal, devTokenTTL)
		if err != nil {
			return nil, err
		}
		out[u.Subject] = tok
		fmt.Printf("    %-18s %-16s %s\n      %s\n", u.Subject, u.Roles[0], u.what, tok)
	}
	fmt.Println()
	return out, nil
}

// runToken is `go run ./cmd/dev token`: it mints a dev token for any user
// with the dev secret (AUTH_HS256_SECRET or the data folder's), e.g.
//
//	go run ./cmd/dev token -sub lan -role planner -unit <unit id>
func runToken(args []string, cfg config.Config) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	dataDir := fs.String("data", ".doithoai-dev", "data folder of the dev stack (where its secret is kept)")
	sub := fs.String("sub", "dev.user", "subject (user name) of the token")
	name := fs.String("name", "", "display name")
	roles := fs.String("role", "", "role(s), comma-separated: "+strings.Join(auth.KnownRoles, ", "))
	unit := fs.String("unit", "", "unit id (none: an administrator bound to no unit)")
	ttl := fs.Duration("ttl", devTokenTTL, "validity")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *roles == "" {
		return errors.New("token: -role is required (" + strings.Join(auth.KnownRoles, ", ") + ")")
	}
	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		return err
	}
	secret, err := devSecret(cfg.AuthHS256Secret, *dataDir)
	if err != nil {
		return err
	}
	minter, err := auth.NewHS256(auth.HS256Config{Secret: secret, Issuer: cfg.AuthIssuer, Audience: cfg.AuthAudience})
	if err != nil {
		return err
	}
	p := auth.Principal{Subject: *sub, Name: *name, UnitID: *unit, Roles: strings.Split(*roles, ",")}
	for _, r := range p.Roles {
		if !slices.Contains(auth.KnownRoles, r) {
			return fmt.Errorf("token: unknown role %q (known: %s)", r, strings.Join(auth.KnownRoles, ", "))
		}
	}
	tok, err := minter.Mint(p, *ttl)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}

// webUsers are the users the dev sign-in page offers: the administrator,
// and the demo users once the demo units exist.
func webUsers(ctx context.Context, st *store.Store) []web.DevUser {
	out := []web.DevUser{{Principal: devAdmin, What: "tạo đơn vị / creates units"}}
	units, _, err := st.ListUnits(ctx, store.UnitFilter{})
	if err != nil {
		return out
	}
	byCode := map[string]string{}
	for _, u := range units {
		if u.Code != nil {
			byCode[*u.Code] = u.ID
		}
	}
	province, commune, other := byCode[demoCodePrefix+demoProvince], byCode[demoCodePrefix+demoSuccessor], byCode[demoCodePrefix+demoOtherCommune]
	if province == "" || commune == "" || other == "" {
		return out
	}
	for _, u := range demoUsers(province, commune, other) {
		out = append(out, web.DevUser{Principal: u.Principal, What: u.what})
	}
	return out
}
