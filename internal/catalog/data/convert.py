# Converts the public facts (codes, names, kinds, parents, old-to-new mapping)
# into the compact CSVs of internal/catalog/data. Run by hand; not shipped.
import csv, re, subprocess, sys, unicodedata, collections
def q(db, sql):
    out = subprocess.run(["psql","-h","127.0.0.1","-U","postgres","-d",db,"-At","-F","\t","-c",sql],capture_output=True,text=True,check=True).stdout
    return [l.split("\t") for l in out.splitlines() if l]
NEW_PROV_KIND={'1':'thanh_pho','2':'tinh'}
NEW_COM_KIND={'3':'phuong','4':'xa','5':'dac_khu'}
OLD_KIND={'1':'thanh_pho','2':'tinh','3':'thanh_pho','4':'thanh_pho','5':'quan','6':'thi_xa','7':'huyen','8':'phuong','9':'thi_tran','10':'xa'}
out=sys.argv[1]
provs=q("catalog_ref_2025","select code, full_name, administrative_unit_id from provinces order by code")
coms=q("catalog_ref_2025","select code, full_name, province_code, administrative_unit_id from wards order by code")
with open(out+"/units.csv","w",newline="") as f:
    w=csv.writer(f, lineterminator="\n")
    w.writerow(["code","parent","level","kind","name"])
    for c,n,k in provs: w.writerow([c,"VN","province",NEW_PROV_KIND[k],n])
    for c,n,p,k in coms: w.writerow([c,p,"commune",NEW_COM_KIND[k],n])
# History: Hưng Yên (33) and Thái Bình (34) before 2025-07-01.
TONES={"oà":"òa","oá":"óa","oả":"ỏa","oã":"õa","oạ":"ọa","oè":"òe","oé":"óe","oẻ":"ỏe","oẽ":"õe","oẹ":"ọe","uỳ":"ùy","uý":"úy","uỷ":"ủy","uỹ":"ũy","uỵ":"ụy"}
def norm(s):
    s=unicodedata.normalize("NFC",s).strip().lower().replace("quí","quý")
    for a,b in TONES.items(): s=s.replace(a,b)
    return ALIASES.get(re.sub(r"\s+"," ",s), re.sub(r"\s+"," ",s))
# Spellings that differ between the two public lists (same unit).
ALIASES={"xã kim trung":"xã kim chung"}
oldp=q("catalog_ref_old","select code, full_name, administrative_unit_id from provinces where code in ('33','34') order by code")
oldd=q("catalog_ref_old","select code, full_name, province_code, administrative_unit_id from districts where province_code in ('33','34') order by code")
oldw=q("catalog_ref_old","select w.code, w.full_name, w.district_code, w.administrative_unit_id, d.full_name from wards w join districts d on d.code=w.district_code where d.province_code in ('33','34') order by w.code")
newhy={norm(n):c for c,n,p,k in coms if p=='33'}
bando=open("/tmp/bando.sql").read()
rows=re.findall(r"\('(xa\d+)', '([^']*)', 'ti5', '[^']*', '([^']*)'\)",bando)
assert len(rows)==104, len(rows)
byname=collections.defaultdict(list)
for c,n,d,k,dn in oldw: byname[norm(n)].append((c,norm(dn)))
succ={}; problems=[]; also=collections.defaultdict(list)
distof={c:dn for c,n,d,k,dn in oldw}
for _,newname,before in rows:
    nc=newhy.get(norm(newname))
    if not nc: problems.append(("new?",newname)); continue
    parts=[]
    for part in [p.strip() for p in before.split(",") if p.strip()]:
        m=re.match(r"(.*?)\s*\((.*)\)$",part)
        name,hint=(m.group(1),norm(m.group(2))) if m else (part,None)
        cands=byname.get(norm(name),[])
        if hint: cands=[c for c in cands if hint in c[1] or c[1].endswith(hint.split(" ",1)[-1])]
        parts.append((part,name,cands))
    # An ambiguous name is the candidate in the district most of the
    # other (unambiguous) parts come from.
    dists=collections.Counter(c[0][1] for _,_,c in parts if len(c)==1)
    for part,name,cands in parts:
        if len(cands)>1 and dists:
            best=[c for c in cands if c[1]==dists.most_common(1)[0][0]]
            if len(best)==1: cands=best
        if len(cands)!=1: problems.append((newname,part,cands)); continue
        oc=cands[0][0]
        if oc in succ and succ[oc]!=nc:
            # Divided between new communes: keep the one that took its
            # name or code, else the first; note the others.
            keep=succ[oc]
            if norm(name)==norm(newname) or oc==nc: keep,other=nc,succ[oc]
            else: other=nc
            succ[oc]=keep; also[oc].append(other); continue
        succ[oc]=nc
missing=[(c,n) for c,n,d,k,dn in oldw if c not in succ]
for p in problems: print("PROBLEM",p,file=sys.stderr)
for m in missing: print("UNMAPPED",m,file=sys.stderr)
H="truoc2025-"
with open(out+"/history_hung_yen_thai_binh.csv","w",newline="") as f:
    w=csv.writer(f, lineterminator="\n")
    w.writerow(["code","parent","level","kind","name","successor","effective","reference","also_part_of"])
    for c,n,k in oldp: w.writerow([H+c,"VN","province",OLD_KIND[k],n,"33","2025-07-01","202/2025/QH15",""])
    for c,n,p,k in oldd: w.writerow([H+c,H+p,"district",OLD_KIND[k],n,"","2025-07-01","202/2025/QH15",""])
    for c,n,d,k,dn in oldw: w.writerow([H+c,H+d,"commune",OLD_KIND[k],n,succ.get(c,""),"2025-07-01","1666/NQ-UBTVQH15"," ".join(also.get(c,[]))])
print(len(provs),len(coms),len(oldp),len(oldd),len(oldw),len(succ),len(problems),len(missing))
