"""check_ofd.py -- structural validation of an OFD package plus a tolerant
text reader used to round-trip make_ofd.py output.  Standard library only.

    problems = validate(path)            # list of strings, empty when fine
    pages = read_text(path)              # list of page texts (lines "\n")
"""

import base64
import hashlib
import posixpath
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

NS = "http://www.ofdspec.org/2016"
Q = "{%s}" % NS


def _resolve(base_dir, loc):
    loc = loc.strip()
    if loc.startswith("/"):
        return posixpath.normpath(loc[1:])
    return posixpath.normpath(posixpath.join(base_dir, loc))


def _floats(s):
    return [float(v) for v in s.split()]


def expand_deltas(s):
    toks = s.split()
    out, i = [], 0
    while i < len(toks):
        if toks[i] == "g":
            n, v = int(toks[i + 1]), float(toks[i + 2])
            out.extend([v] * n)
            i += 3
        else:
            out.append(float(toks[i]))
            i += 1
    return out


class _Pkg:
    def __init__(self, path):
        self.z = zipfile.ZipFile(path)
        self.names = set(n for n in self.z.namelist() if not n.endswith("/"))
        self.xml = {}
        self.problems = []

    def parse(self, name):
        if name not in self.xml:
            try:
                self.xml[name] = ET.fromstring(self.z.read(name))
            except KeyError:
                self.problems.append("missing part %s" % name)
                self.xml[name] = None
            except ET.ParseError as e:
                self.problems.append("XML not well-formed: %s: %s" % (name, e))
                self.xml[name] = None
        return self.xml[name]

    def need(self, name, why):
        if name not in self.names:
            self.problems.append("%s -> %s does not exist" % (why, name))
            return False
        return True


def _structure(path):
    """Walk the package; return (pkg, info dict)."""
    p = _Pkg(path)
    info = {
        "pages": [],
        "fonts": {},
        "media": {},
        "ids": {},
        "templates": {},
        "referenced": set(["OFD.xml"]),
        "sealed": False,
    }
    root = p.parse("OFD.xml")
    if root is None:
        return p, info
    if root.tag != Q + "OFD":
        p.problems.append("OFD.xml root is %s" % root.tag)
    body = root.find(Q + "DocBody")
    di = body.find(Q + "DocInfo")
    for f in ("DocID", "Title", "Author", "CreationDate"):
        if di.find(Q + f) is None or not (di.find(Q + f).text or "").strip():
            p.problems.append("DocInfo/%s missing" % f)
    info["title"] = di.findtext(Q + "Title")
    info["author"] = di.findtext(Q + "Author")
    info["creation_date"] = di.findtext(Q + "CreationDate")
    docroot = _resolve("", body.findtext(Q + "DocRoot"))
    p.need(docroot, "DocRoot")
    info["referenced"].add(docroot)
    ddir = posixpath.dirname(docroot)
    doc = p.parse(docroot)
    if doc is None:
        return p, info

    def note_ids(elem, part):
        for e in elem.iter():
            if "ID" in e.attrib and e.tag != Q + "StampAnnot":
                i = int(e.attrib["ID"])
                if i in info["ids"]:
                    p.problems.append("duplicate ID %d (%s and %s)" % (i, info["ids"][i], part))
                info["ids"][i] = part

    cd = doc.find(Q + "CommonData")
    maxid = int(cd.findtext(Q + "MaxUnitID"))
    pb = cd.find(Q + "PageArea/" + Q + "PhysicalBox")
    if pb is None or _floats(pb.text) != [0, 0, 210, 297]:
        p.problems.append("PageArea/PhysicalBox is not A4")
    res_parts = [e.text for e in cd.findall(Q + "PublicRes")] + [e.text for e in cd.findall(Q + "DocumentRes")]
    for loc in res_parts:
        rp = _resolve(ddir, loc)
        info["referenced"].add(rp)
        if not p.need(rp, "Res"):
            continue
        r = p.parse(rp)
        note_ids(r, rp)
        rbase = _resolve(posixpath.dirname(rp), r.get("BaseLoc", ""))
        for f in r.iter(Q + "Font"):
            info["fonts"][int(f.get("ID"))] = f.get("FamilyName") or f.get("FontName")
        for mm in r.iter(Q + "MultiMedia"):
            mf = _resolve(rbase, mm.findtext(Q + "MediaFile"))
            info["media"][int(mm.get("ID"))] = mf
            info["referenced"].add(mf)
            p.need(mf, "MultiMedia %s" % mm.get("ID"))
    for t in cd.findall(Q + "TemplatePage"):
        tp = _resolve(ddir, t.get("BaseLoc"))
        info["templates"][int(t.get("ID"))] = tp
        info["referenced"].add(tp)
        if p.need(tp, "TemplatePage"):
            note_ids(p.parse(tp), tp)
    note_ids(doc, docroot)
    page_ids = []
    for pg in doc.find(Q + "Pages").findall(Q + "Page"):
        loc = _resolve(ddir, pg.get("BaseLoc"))
        info["referenced"].add(loc)
        page_ids.append(int(pg.get("ID")))
        info["pages"].append((int(pg.get("ID")), loc))
        if p.need(loc, "Page %s" % pg.get("ID")):
            note_ids(p.parse(loc), loc)
    # annotations
    aloc = doc.findtext(Q + "Annotations")
    if aloc:
        ap = _resolve(ddir, aloc)
        info["referenced"].add(ap)
        if p.need(ap, "Annotations"):
            a = p.parse(ap)
            for pg in a.findall(Q + "Page"):
                if int(pg.get("PageID")) not in page_ids:
                    p.problems.append("Annotations Page PageID %s unknown" % pg.get("PageID"))
                fl = _resolve(posixpath.dirname(ap), pg.findtext(Q + "FileLoc"))
                info["referenced"].add(fl)
                if p.need(fl, "Annotation FileLoc"):
                    pa = p.parse(fl)
                    note_ids(pa, fl)
                    for an in pa.iter(Q + "Annot"):
                        if an.get("Type") == "Stamp":
                            info["stamp_annot"] = True
    tloc = doc.findtext(Q + "CustomTags")
    object_refs = []
    if tloc:
        tp = _resolve(ddir, tloc)
        info["referenced"].add(tp)
        if p.need(tp, "CustomTags"):
            for ct in p.parse(tp).findall(Q + "CustomTag"):
                fl = _resolve(posixpath.dirname(tp), ct.findtext(Q + "FileLoc"))
                info["referenced"].add(fl)
                if p.need(fl, "CustomTag FileLoc"):
                    for orf in p.parse(fl).iter(Q + "ObjectRef"):
                        object_refs.append((int(orf.get("PageRef")), int(orf.text)))
    if info["ids"] and max(info["ids"]) > maxid:
        p.problems.append("MaxUnitID %d < largest ID %d" % (maxid, max(info["ids"])))
    # references inside page content
    for pid, loc in info["pages"] + [(None, t) for t in info["templates"].values()]:
        pg = p.parse(loc) if loc in p.names else None
        if pg is None:
            continue
        for t in pg.findall(Q + "Template"):
            if int(t.get("TemplateID")) not in info["templates"]:
                p.problems.append("%s: TemplateID %s unknown" % (loc, t.get("TemplateID")))
        for to in pg.iter(Q + "TextObject"):
            if int(to.get("Font")) not in info["fonts"]:
                p.problems.append("%s: Font %s unknown" % (loc, to.get("Font")))
            for tc in to.findall(Q + "TextCode"):
                n = len(tc.text or "")
                dx = expand_deltas(tc.get("DeltaX", ""))
                if len(dx) > max(n - 1, 0):
                    p.problems.append("%s: DeltaX longer than text in object %s" % (loc, to.get("ID")))
    for part, root_ in list(p.xml.items()):
        if root_ is None:
            continue
        for io_ in root_.iter(Q + "ImageObject"):
            if int(io_.get("ResourceID")) not in info["media"]:
                p.problems.append("%s: ResourceID %s unresolved" % (part, io_.get("ResourceID")))
    all_obj = set(info["ids"])
    for pid, oid in object_refs:
        if pid not in page_ids or oid not in all_obj:
            p.problems.append("CustomTag ObjectRef %s/%s unresolved" % (pid, oid))
    # signatures
    sloc = body.findtext(Q + "Signatures")
    if sloc:
        sp = _resolve("", sloc)
        info["referenced"].add(sp)
        if p.need(sp, "Signatures"):
            for sg in p.parse(sp).findall(Q + "Signature"):
                sgp = _resolve(posixpath.dirname(sp), sg.get("BaseLoc"))
                info["referenced"].add(sgp)
                if not p.need(sgp, "Signature BaseLoc"):
                    continue
                s = p.parse(sgp)
                si = s.find(Q + "SignedInfo")
                for f in ("Provider", "SignatureMethod", "SignatureDateTime", "References", "StampAnnot"):
                    if si.find(Q + f) is None:
                        p.problems.append("SignedInfo/%s missing" % f)
                for ref in si.find(Q + "References").findall(Q + "Reference"):
                    fr = _resolve(posixpath.dirname(sgp), ref.get("FileRef"))
                    if not p.need(fr, "Reference FileRef"):
                        continue
                    want = base64.b64encode(hashlib.sha256(p.z.read(fr)).digest()).decode()
                    if ref.findtext(Q + "CheckValue").strip() != want:
                        p.problems.append("CheckValue mismatch for %s" % fr)
                for sa in si.findall(Q + "StampAnnot"):
                    if int(sa.get("PageRef")) not in page_ids:
                        p.problems.append("StampAnnot PageRef %s unknown" % sa.get("PageRef"))
                sv = _resolve(posixpath.dirname(sgp), s.findtext(Q + "SignedValue"))
                info["referenced"].add(sv)
                p.need(sv, "SignedValue")
                info["sealed"] = True
    for n in sorted(p.names - info["referenced"]):
        p.problems.append("part not referenced from anywhere: %s" % n)
    for n in p.names:
        if n.endswith(".xml"):
            r = p.parse(n)
            if r is not None and n != "Doc_0/Tags/CustomTag_0.xml":
                for e in r.iter():
                    if not e.tag.startswith(Q):
                        p.problems.append("%s: element %s outside the OFD namespace" % (n, e.tag))
                        break
    return p, info


def _png_ok(data):
    """Pure-python PNG check: chunk CRCs, IHDR, IDAT inflates to the right size."""
    import struct
    import zlib

    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "bad signature"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n : pos + 12 + n])
        if zlib.crc32(tag + body) & 0xFFFFFFFF != crc:
            return "CRC error in %r" % tag
        if tag == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat += body
        elif tag == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype = ihdr[:4]
    bpp = {6: 4, 2: 3, 0: 1, 4: 2}[ctype] * depth // 8
    if len(zlib.decompress(idat)) != h * (1 + w * bpp):
        return "IDAT size wrong"
    return None


def _check_images(p, info):
    for mid, name in info["media"].items():
        data = p.z.read(name)
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            err = _png_ok(data)
            if err:
                p.problems.append("image %s: %s" % (name, err))
        elif data[:2] == b"\xff\xd8":
            if not shutil.which("djpeg"):
                continue
            r = subprocess.run(["djpeg", "-pnm"], input=data, capture_output=True)
            if r.returncode != 0 or r.stderr.strip():
                p.problems.append("image %s does not decode: %s" % (name, r.stderr.decode()[:200]))
        else:
            p.problems.append("image %s: unknown format" % name)


def validate(path, images=True):
    p, info = _structure(path)
    if images:
        _check_images(p, info)
    return p.problems


def read_text(path):
    """Tolerant reader: absolute baseline = Boundary.y + TextCode.Y, x likewise;
    glyphs on one baseline (+-0.6 mm) form a line; a gap wider than half an em
    between pieces becomes one space."""
    p, info = _structure(path)
    out = []
    for pid, loc in info["pages"]:
        pg = p.parse(loc)
        pieces = []
        for to in pg.iter(Q + "TextObject"):
            bx, by = _floats(to.get("Boundary"))[:2]
            size = float(to.get("Size"))
            for tc in to.findall(Q + "TextCode"):
                t = tc.text or ""
                x0 = bx + float(tc.get("X"))
                y0 = by + float(tc.get("Y"))
                dx = expand_deltas(tc.get("DeltaX", ""))
                w = sum(dx) + (size * (0.5 if t and ord(t[-1]) < 256 else 1.0))
                pieces.append((y0, x0, x0 + w, size, t))
        pieces.sort()
        lines = []
        for pc in pieces:
            if lines and abs(lines[-1][0][0] - pc[0]) < 0.6:
                lines[-1].append(pc)
            else:
                lines.append([pc])
        texts = []
        for ln in lines:
            ln.sort(key=lambda q: q[1])
            s, end = "", None
            for y, x0, x1, size, t in ln:
                if end is not None and x0 - end > size * 0.5:
                    s += " "
                s += t
                end = x1
            texts.append(s)
        out.append("\n".join(texts))
    return out, info


if __name__ == "__main__":
    bad = 0
    for f in sys.argv[1:]:
        probs = validate(f)
        print(f, "OK" if not probs else "")
        for pr in probs:
            print("   ", pr)
        bad += bool(probs)
    sys.exit(1 if bad else 0)
