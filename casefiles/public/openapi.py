"""The OpenAPI 3.1 document of the public JSON API (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_DATETIME = {"type": ["string", "null"], "format": "date-time"}
_OUTCOMES = ["victory", "positive", "ongoing", "setback", "withdrawn"]
_CATEGORIES = [
    "student",
    "medical_trainee",
    "physician",
    "nurse",
    "teacher",
    "school_principal",
    "professor",
    "lawyer",
    "journalist",
    "artist",
    "elected_official",
    "public_servant",
    "activist",
    "human_rights_defender",
    "other",
]


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


_CONDITIONAL = [
    {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "An ETag from an earlier answer: 304 when nothing changed.",
        "schema": _STRING,
    },
    {
        "name": "Accept-Language",
        "in": "header",
        "required": False,
        "description": "en or fr: the language of titles, summaries and labels (English is the fallback).",
        "schema": _STRING,
    },
]
_VALIDATORS = {
    "ETag": {"schema": _STRING, "description": "Validator for If-None-Match."},
    "Last-Modified": {"schema": _STRING, "description": "When the published facts last changed."},
}


def openapi_document(server: str) -> dict[str, Any]:
    """The API description, with this server's address."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Casefiles public API",
            "version": "1.0.0",
            "description": (
                "Read-only access to published case files: only what the public case pages show. "
                "Unpublished and unknown cases both answer 404 with the same body."
            ),
        },
        "servers": [{"url": server}],
        "paths": {
            "/cases": {
                "get": {
                    "summary": "Published cases, newest first",
                    "operationId": "listCases",
                    "parameters": [
                        _param("q", "Words searched in published text only.", _STRING),
                        _param(
                            "category", "Category of a person in the case.", {"type": "string", "enum": _CATEGORIES}
                        ),
                        _param("outcome", "Outcome of the case.", {"type": "string", "enum": _OUTCOMES}),
                        _param("institution", "Institution id.", {"type": "integer", "minimum": 1}),
                        _param("region", "Province or region of the institution.", _STRING),
                        _param("year", "Year of a public timeline event.", {"type": "integer"}),
                        _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
                        _param(
                            "per_page", "Items per page (1-100).", {"type": "integer", "minimum": 1, "maximum": 100}
                        ),
                        *_CONDITIONAL,
                    ],
                    "responses": {
                        "200": {
                            "description": "One page of published cases.",
                            "headers": _VALIDATORS,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseList"}}},
                        },
                        "304": {"description": "Not modified since the ETag given."},
                    },
                }
            },
            "/cases/{slug}": {
                "get": {
                    "summary": "One published case",
                    "operationId": "getCase",
                    "parameters": [
                        {"name": "slug", "in": "path", "required": True, "schema": _STRING},
                        *_CONDITIONAL,
                    ],
                    "responses": {
                        "200": {
                            "description": "Every public field of the case.",
                            "headers": _VALIDATORS,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}},
                        },
                        "304": {"description": "Not modified since the ETag given."},
                        "404": {
                            "description": "No published case at this address.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                        },
                    },
                }
            },
            "/campaigns/{campaign_id}": {
                "get": {
                    "summary": "One public campaign",
                    "operationId": "getCampaign",
                    "parameters": [
                        {"name": "campaign_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                        *_CONDITIONAL,
                    ],
                    "responses": {
                        "200": {
                            "description": "The campaign: outcome, targets, asks, supporters over time, its cases.",
                            "headers": _VALIDATORS,
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "304": {"description": "Not modified since the ETag given."},
                        "404": {
                            "description": "No public campaign with this id (planned ones never are).",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                        },
                    },
                }
            },
            "/campaigns": {
                "get": {
                    "summary": "Public campaigns",
                    "operationId": "listCampaigns",
                    "parameters": _CONDITIONAL,
                    "responses": {
                        "200": {
                            "description": "Public campaigns, in progress and completed (planned ones never appear).",
                            "headers": _VALIDATORS,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CampaignList"}}},
                        },
                        "304": {"description": "Not modified since the ETag given."},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "CaseSummary": {
                    "type": "object",
                    "required": ["slug", "title", "outcome", "url"],
                    "properties": {
                        "slug": _STRING,
                        "title": _STRING,
                        "display_names": {"type": "array", "items": _STRING},
                        "categories": {"type": "array", "items": {"type": "string", "enum": _CATEGORIES}},
                        "outcome": {"type": "string", "enum": _OUTCOMES},
                        "outcome_label": _STRING,
                        "institution": _NULLABLE_STRING,
                        "region": _NULLABLE_STRING,
                        "published_at": _DATETIME,
                        "updated_at": _DATETIME,
                        "url": {"type": "string", "format": "uri"},
                        "api_url": {"type": "string", "format": "uri"},
                    },
                },
                "CaseList": {
                    "type": "object",
                    "properties": {
                        "locale": _STRING,
                        "page": {"type": "integer"},
                        "pages": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "total": {"type": "integer"},
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/CaseSummary"}},
                    },
                },
                "Case": {
                    "type": "object",
                    "properties": {
                        "slug": _STRING,
                        "locale": _STRING,
                        "title": _STRING,
                        "title_language": _STRING,
                        "display_names": {"type": "array", "items": _STRING},
                        "people": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "name": _NULLABLE_STRING,
                                    "category": _STRING,
                                    "category_label": _STRING,
                                },
                            },
                        },
                        "categories": {"type": "array", "items": _STRING},
                        "category_labels": {"type": "array", "items": _STRING},
                        "institution": {
                            "type": ["object", "null"],
                            "properties": {
                                "name": _STRING,
                                "kind": _STRING,
                                "kind_label": _STRING,
                                "region": _STRING,
                                "country": _STRING,
                            },
                        },
                        "outcome": {"type": "string", "enum": _OUTCOMES},
                        "outcome_label": _STRING,
                        "summary_html": {"type": "string", "description": "Sanitized HTML."},
                        "summary_language": _STRING,
                        "events": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "date_iso": {"type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD."},
                                    "date_display": _STRING,
                                    "kind": _STRING,
                                    "kind_label": _STRING,
                                    "title": _STRING,
                                    "description_html": _STRING,
                                },
                            },
                        },
                        "corrections": {
                            "type": "array",
                            "items": {"type": "object", "properties": {"created_at": _DATETIME, "note": _STRING}},
                        },
                        "documents": {"type": "array", "items": {"type": "object"}},
                        "campaigns": {"type": "array", "items": {"type": "object"}},
                        "featured": {"type": "boolean"},
                        "published_at": _DATETIME,
                        "updated_at": _DATETIME,
                        "url": {"type": "string", "format": "uri"},
                    },
                },
                "CampaignList": {
                    "type": "object",
                    "properties": {
                        "locale": _STRING,
                        "total": {"type": "integer"},
                        "items": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {"status": {"type": "integer"}, "message": _STRING},
                        }
                    },
                },
            }
        },
    }
