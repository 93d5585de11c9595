"""Staff-side view of form records: the decoder's JSON, its inverse, and record checks.

``describe_bundle`` turns a decoded ``Bundle`` into the JSON document the reference
decoder prints (``kiosk decode``) and the staff console shows: every field with its key,
id, Japanese label, a JSON value and a Japanese display string. ``bundle_from_description``
is its exact inverse (``kiosk encode`` builds test payloads from such a document), and
``check_record`` lists, in Japanese, what staff should look at. Records written by other
kiosk versions must still display: an unknown form, version or key is shown and warned
about, never dropped and never a crash. Nothing here logs or stores what it shows.

The fixed Japanese words below are part of the decoder's output format (staff read
Japanese; docs/qr-spec.md), not interface text, which is why they are not in a catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

from kiosk.core import era
from kiosk.core.bundle import Bundle, FormRecord
from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.forms.conditions import UNKNOWN, evaluate
from kiosk.core.forms.model import (
    ADDRESS_PARTS,
    PERSON_NAME_PARTS,
    FieldKind,
    FieldSpec,
    FormCatalog,
)
from kiosk.core.forms.values import decode_value, int_to_date

#: Version of the description document (the "format" member).
DESCRIPTION_FORMAT = 1
#: Decoder output shows times in Japan Standard Time, with the offset written out.
JST = timezone(timedelta(hours=9), "JST")

_UNKNOWN_FIELD_LABEL = "（不明な項目）"
_YES, _NO = "はい", "いいえ"


class RecordErrorCode(ErrorCode):
    BAD_DESCRIPTION = "RECORD_001"


class DescriptionError(KioskError):
    """A description document (decoder JSON) that cannot be turned back into a bundle."""


# ---------------------------------------------------------------------- JSON helpers


def _raw_to_json(raw: Any) -> Any:
    """A CBOR-ready value as JSON: int-keyed maps get string keys, tuples become lists."""
    if isinstance(raw, Mapping):
        return {str(key): _raw_to_json(value) for key, value in raw.items()}
    if isinstance(raw, (list, tuple)):
        return [_raw_to_json(value) for value in raw]
    if isinstance(raw, bytes):
        return raw.hex()
    return raw


def _json_to_raw(value: Any) -> Any:
    """Inverse of _raw_to_json: payload maps are always int-keyed (kiosk.core.bundle)."""
    if isinstance(value, Mapping):
        return {_int_key(key): _json_to_raw(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_to_raw(item) for item in value]
    return value


def _int_key(key: Any) -> Any:
    if isinstance(key, str) and key.lstrip("-").isdigit():
        return int(key)
    return key


def _parts(kind: FieldKind) -> Mapping[str, int]:
    return PERSON_NAME_PARTS if kind is FieldKind.PERSON_NAME else ADDRESS_PARTS


def _value_to_json(spec: FieldSpec, raw: Any) -> Any:
    kind = spec.kind
    if kind is FieldKind.GROUP:
        if not isinstance(raw, list):
            return _raw_to_json(raw)
        return [
            _rows(spec.fields, member) if isinstance(member, Mapping) else _raw_to_json(member)
            for member in raw
        ]
    if kind is FieldKind.DATE:
        decoded = int_to_date(raw)
        return decoded.isoformat() if decoded is not None else _raw_to_json(raw)
    if kind is FieldKind.CHOICE:
        decoded, ok = decode_value(spec, raw)
        return decoded if ok else _raw_to_json(raw)
    if kind in (FieldKind.PERSON_NAME, FieldKind.ADDRESS) and isinstance(raw, Mapping):
        names = {code: part for part, code in _parts(kind).items()}
        return {names.get(code, str(code)): _raw_to_json(text) for code, text in raw.items()}
    return _raw_to_json(raw)


def _value_from_json(spec: FieldSpec | None, value: Any) -> Any:
    if spec is None:
        return _json_to_raw(value)
    kind = spec.kind
    if kind is FieldKind.GROUP and isinstance(value, list):
        return [_rows_to_values(spec.fields, member) if isinstance(member, list) else _json_to_raw(member) for member in value]
    if kind is FieldKind.DATE and isinstance(value, str):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise DescriptionError(
                RecordErrorCode.BAD_DESCRIPTION, f"field '{spec.id}': write dates as YYYY-MM-DD"
            ) from None
        return parsed.year * 10000 + parsed.month * 100 + parsed.day
    if kind is FieldKind.CHOICE and isinstance(value, str):
        for choice in spec.choices:
            if choice.id == value:
                return choice.code
        raise DescriptionError(
            RecordErrorCode.BAD_DESCRIPTION,
            f"field '{spec.id}': '{value}' is not one of {', '.join(c.id for c in spec.choices)}",
        )
    if kind in (FieldKind.PERSON_NAME, FieldKind.ADDRESS) and isinstance(value, Mapping):
        parts = _parts(kind)
        result: dict[Any, Any] = {}
        for name, text in value.items():
            code = parts.get(name, _int_key(name))
            if not isinstance(code, int):
                raise DescriptionError(
                    RecordErrorCode.BAD_DESCRIPTION,
                    f"field '{spec.id}': unknown part '{name}'; use {', '.join(parts)}",
                )
            result[code] = _json_to_raw(text)
        return result
    return _json_to_raw(value)


# ---------------------------------------------------------------------- display


def _display(spec: FieldSpec, raw: Any) -> str:
    kind = spec.kind
    value, ok = decode_value(spec, raw)
    if not ok:
        return _raw_display(raw)
    if kind is FieldKind.DATE:
        return format_date_ja(value)
    if kind is FieldKind.CHOICE:
        for choice in spec.choices:
            if choice.id == value:
                return choice.label.get("ja") or choice.id
    if kind is FieldKind.YESNO:
        return _YES if value else _NO
    if kind is FieldKind.PERSON_NAME:
        return format_name_ja(value)
    if kind is FieldKind.ADDRESS:
        return format_address_ja(value)
    if kind is FieldKind.POSTAL_CODE and len(value) == 7:
        return f"〒{value[:3]}-{value[3:]}"
    if kind is FieldKind.GROUP:
        return f"{len(value)}名"
    return str(value)


def _raw_display(raw: Any) -> str:
    if isinstance(raw, (Mapping, list, tuple)):
        return json.dumps(_raw_to_json(raw), ensure_ascii=False)
    return str(raw)


def format_date_ja(value: date) -> str:
    """「令和7年4月1日（2025年4月1日）」: 和暦 with 西暦, as staff write them."""
    western = f"{value.year}年{value.month}月{value.day}日"
    if value < era.EARLIEST_DATE:
        return western
    return f"{era.format_wareki(value)}（{western}）"


def format_name_ja(value: Mapping[str, str]) -> str:
    """「山田 太郎（ヤマダ タロウ）」; a romanised name (residence card) follows after a slash."""
    name = " ".join(value[p] for p in ("family", "given") if value.get(p))
    kana = " ".join(value[p] for p in ("family_kana", "given_kana") if value.get(p))
    latin = value.get("latin", "")
    shown = name or latin
    if kana:
        shown += f"（{kana}）"
    if latin and name and latin != name:
        shown += f" / {latin}"
    return shown


def format_address_ja(value: Mapping[str, str]) -> str:
    """「〒150-0002 東京都渋谷区渋谷2-21-1 ○○ビル」."""
    postal = value.get("postal_code", "")
    head = f"〒{postal[:3]}-{postal[3:]} " if len(postal) == 7 else (f"〒{postal} " if postal else "")
    body = "".join(value.get(part, "") for part in ("prefecture", "city", "town", "block"))
    building = value.get("building", "")
    return (head + body + (f" {building}" if building else "")).strip()


# ---------------------------------------------------------------------- rows


def _row(spec: FieldSpec, raw: Any) -> dict[str, Any]:
    return {
        "key": spec.key,
        "id": spec.id,
        "label": spec.label.get("ja", spec.id),
        "value": _value_to_json(spec, raw),
        "display": _display(spec, raw),
    }


def _unknown_row(key: Any, raw: Any) -> dict[str, Any]:
    return {
        "key": key if isinstance(key, int) else str(key),
        "id": None,
        "label": _UNKNOWN_FIELD_LABEL,
        "value": _raw_to_json(raw),
        "display": _raw_display(raw),
    }


def _rows(specs: tuple[FieldSpec, ...], values: Mapping[Any, Any]) -> list[dict[str, Any]]:
    by_key = {spec.key: spec for spec in specs}
    rows = [_row(spec, values[spec.key]) for spec in specs if spec.key in values]
    rows.extend(_unknown_row(key, values[key]) for key in sorted(values, key=str) if key not in by_key)
    return rows


def _rows_to_values(specs: tuple[FieldSpec, ...], rows: Any) -> dict[Any, Any]:
    if not isinstance(rows, list):
        raise DescriptionError(RecordErrorCode.BAD_DESCRIPTION, "'fields' must be a list of rows")
    by_key = {spec.key: spec for spec in specs}
    by_id = {spec.id: spec for spec in specs}
    values: dict[Any, Any] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise DescriptionError(RecordErrorCode.BAD_DESCRIPTION, f"fields[{i}] must be an object with key and value")
        key = row.get("key")
        if key is None and row.get("id") in by_id:
            key = by_id[row["id"]].key  # hand-written descriptions may name fields by id
        key = _int_key(key)
        if key is None or "value" not in row:
            raise DescriptionError(RecordErrorCode.BAD_DESCRIPTION, f"fields[{i}] needs 'key' (or a known 'id') and 'value'")
        values[key] = _value_from_json(by_key.get(key), row["value"])
    return values


def describe_record(catalog: FormCatalog, record: FormRecord) -> dict[str, Any]:
    form = catalog.forms.get(record.form_id)
    specs = form.fields if form is not None else ()
    return {
        "form": record.form_id,
        "version": record.form_version,
        "title": form.title.get("ja", form.id) if form is not None else record.form_id,
        "fields": _rows(specs, record.values),
    }


def describe_bundle(catalog: FormCatalog, bundle: Bundle) -> dict[str, Any]:
    """The decoder's JSON document for a bundle (see docs/qr-spec.md), warnings included."""
    return {
        "format": DESCRIPTION_FORMAT,
        "ticket": bundle.ticket_number,
        "language": bundle.language,
        "practice": bundle.practice,
        "issued_at": datetime.fromtimestamp(bundle.issued_at, JST).isoformat(),
        "site": bundle.site,
        "forms": [describe_record(catalog, record) for record in bundle.forms],
        "warnings": [warning for record in bundle.forms for warning in check_record(catalog, record)],
    }


def bundle_from_description(catalog: FormCatalog, data: Mapping[str, Any]) -> Bundle:
    """The bundle a description document describes: ``describe_bundle``'s exact inverse."""
    if not isinstance(data, Mapping):
        raise DescriptionError(RecordErrorCode.BAD_DESCRIPTION, "the description must be a JSON object")
    if data.get("format") != DESCRIPTION_FORMAT:
        raise DescriptionError(
            RecordErrorCode.BAD_DESCRIPTION,
            f"unknown description format {data.get('format')!r}; this kiosk reads format {DESCRIPTION_FORMAT}",
        )
    missing = [key for key in ("ticket", "language", "practice", "issued_at", "site", "forms") if key not in data]
    if missing:
        raise DescriptionError(RecordErrorCode.BAD_DESCRIPTION, f"missing member(s): {', '.join(missing)}")
    records = []
    for i, item in enumerate(data["forms"]):
        if not isinstance(item, Mapping) or "form" not in item or "version" not in item:
            raise DescriptionError(RecordErrorCode.BAD_DESCRIPTION, f"forms[{i}] needs 'form', 'version' and 'fields'")
        form = catalog.forms.get(item["form"])
        specs = form.fields if form is not None else ()
        records.append(FormRecord(str(item["form"]), int(item["version"]), _rows_to_values(specs, item.get("fields", []))))
    return Bundle(
        ticket_number=str(data["ticket"]),
        language=str(data["language"]),
        practice=bool(data["practice"]),
        issued_at=_timestamp(data["issued_at"]),
        site=str(data["site"]),
        forms=tuple(records),
    )


def _timestamp(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise DescriptionError(
            RecordErrorCode.BAD_DESCRIPTION, "issued_at must be an ISO 8601 time such as 2025-04-01T09:30:00+09:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=JST)  # the kiosks are in Japan
    return int(moment.timestamp())


# ---------------------------------------------------------------------- checks


def _scope_lookup(specs: tuple[FieldSpec, ...], values: Mapping[Any, Any], outer: Any = None) -> Any:
    """Answers a record can tell: a field it has, or lacks; anything else is UNKNOWN."""
    known: dict[str, Any] = {}
    for spec in specs:
        value = None
        if spec.key in values and spec.kind is not FieldKind.GROUP:
            value, ok = decode_value(spec, values[spec.key])
            value = value if ok else None
        elif spec.key in values and isinstance(values[spec.key], list):
            value = len(values[spec.key])
        known[spec.id] = value
        if spec.fact is not None:
            known.setdefault(spec.fact, value)

    def lookup(name: str) -> Any:
        if name in known:
            return known[name]
        return outer(name) if outer is not None else UNKNOWN

    return lookup


def check_record(catalog: FormCatalog, record: FormRecord) -> list[str]:
    """Japanese warnings for staff about one record; an empty list means it looks complete."""
    form = catalog.forms.get(record.form_id)
    if form is None:
        return [f"不明な様式「{record.form_id}」（版{record.form_version}）です。項目名なしで表示しています。"]
    name = f"{form.title.get('ja', form.id)}（{form.id}）"
    warnings: list[str] = []
    if record.form_version != form.version:
        warnings.append(
            f"{name}: 版{record.form_version}の様式です（この端末は版{form.version}）。"
            "項目番号で読み替えて表示しています。内容を確認してください。"
        )
    warnings.extend(_check_fields(name, "", form.fields, record.values, _scope_lookup(form.fields, record.values)))
    return warnings


def _check_fields(
    name: str, where: str, specs: tuple[FieldSpec, ...], values: Mapping[Any, Any], lookup: Any
) -> list[str]:
    warnings: list[str] = []
    by_key = {spec.key: spec for spec in specs}
    for key in sorted(values, key=str):
        if key not in by_key:
            warnings.append(f"{name}: {where}不明な項目（番号{key}）があります。新しい版の様式の可能性があります。")
    for spec in specs:
        label = spec.label.get("ja", spec.id)
        if spec.key not in values:
            if spec.required and evaluate(spec.show_if, lookup) is True:
                warnings.append(f"{name}: {where}必須項目「{label}」がありません。")
            continue
        raw = values[spec.key]
        if spec.kind is FieldKind.GROUP:
            if not isinstance(raw, list):
                warnings.append(f"{name}: 「{label}」の形式が正しくありません。")
                continue
            for index, member in enumerate(raw):
                here = f"{where}{label}の{index + 1}人目の"
                if not isinstance(member, Mapping):
                    warnings.append(f"{name}: {here}形式が正しくありません。")
                    continue
                inner = _scope_lookup(spec.fields, member, lookup)
                warnings.extend(_check_fields(name, here, spec.fields, member, inner))
            continue
        _, ok = decode_value(spec, raw)
        if not ok:
            problem = {
                FieldKind.DATE: "日付が正しくありません",
                FieldKind.CHOICE: "選択肢のコードが不明です",
            }.get(spec.kind, "形式が正しくありません")
            # The value itself is not repeated: warnings may end up in logs.
            warnings.append(f"{name}: {where}「{label}」の{problem}。")
    return warnings
