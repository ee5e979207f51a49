package gen

import (
	"fmt"
	"strings"

	"github.com/doithoai/doithoai/internal/catalog"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/unitmap"
)

// The country scale is drawn on the official map of 1 July 2025 (the
// shipped catalogue, internal/catalog): the 34 provinces and centrally-run
// cities and their 3,321 commune-level units, with their official codes,
// kinds, names and the catalogue's ids (unitmap.IDForCode), under the
// national root — the same units `cmd/catalog import` makes, so the two can
// share a database. There are no districts.

// kindLabels are the official kinds' words at the head of a unit's name.
var kindLabels = map[string]string{
	domain.UnitKindTinh: "Tỉnh", domain.UnitKindThanhPho: "Thành phố",
	domain.UnitKindXa: "Xã", domain.UnitKindPhuong: "Phường", domain.UnitKindDacKhu: "Đặc khu",
}

// buildCatalogUnits makes the unit tree from the catalogue: its first
// o.Provinces provinces (all 34 by default) with all their communes, in
// catalogue order. It depends on nothing random, so every seed shares it.
func buildCatalogUnits(o Options) (*model, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	m := &model{twoLevel: true}
	root := unitmap.NationalID()
	byCode := map[string]*unitM{}
	unit := func(e catalog.Entry) *unitM {
		label := kindLabels[e.Kind]
		short := strings.TrimSpace(strings.TrimPrefix(e.Name, label))
		return &unitM{ID: e.ID(), Code: e.Code, OfficialKind: e.Kind, Level: e.Level, Kind: label, Short: short, Name: e.Name}
	}
	for _, e := range cat.Current {
		if e.Level != domain.LevelProvince || len(m.provinces) >= o.Provinces {
			continue
		}
		p := unit(e)
		p.ParentID = &root
		p.Committee, p.RefSuffix = "Tỉnh ủy "+p.Short, "TU"
		if e.Kind == domain.UnitKindThanhPho {
			p.Committee = "Thành ủy " + p.Short
		}
		byCode[e.Code] = p
		m.provinces = append(m.provinces, p)
		m.units = append(m.units, p)
	}
	for _, e := range cat.Current {
		prov, ok := byCode[e.Parent]
		if e.Level != domain.LevelCommune || !ok {
			continue
		}
		c := unit(e)
		c.Parent, c.ParentID = prov, &prov.ID
		c.Committee, c.RefSuffix = "Đảng ủy "+lowerFirst(c.Kind)+" "+c.Short, "ĐU"
		prov.Children = append(prov.Children, c)
		m.units = append(m.units, c)
	}
	return m, nil
}
