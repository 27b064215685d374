"""Component ids shared by pages, callbacks and tests: one spelling for each."""

# Shell: routing, stores, filters, theme.
URL = "url"
PAGE = "page-container"
# The path the page container was last drawn for (routing.py).
PAGE_SHOWN = "page-shown"
THEME_SWITCH = "theme-switch"
FILTERS_STORE = "filters-store"
CROSS_FILTER_STORE = "cross-filter-store"
REFRESH_STORE = "refresh-store"
FILTER_BAR = "filter-bar"
PRESET = "filter-preset"
# The custom range: two typed dates and the message when one is not a date.
DATE_FROM = "filter-date-from"
DATE_TO = "filter-date-to"
DATE_RANGE_FEEDBACK = "filter-date-feedback"
ACCOUNTS_FILTER = "filter-accounts"
CATEGORIES_FILTER = "filter-categories"
TAGS_FILTER = "filter-tags"
# "any" or "all" of the chosen tags.
TAGS_MATCH = "filter-tags-match"
CHIPS = "filter-chips"
CHIP_REMOVE = "chip-remove"  # pattern-matching: {"type": CHIP_REMOVE, "key": "category"}
CLEAR_CHIPS = "chips-clear"
NAV_LINKS = "nav-links"

# Overview.
KPI_ROW = "kpi-row"
KPI_INCOME = "kpi-income"
KPI_SPENDING = "kpi-spending"
KPI_NET = "kpi-net"
KPI_SAVINGS_RATE = "kpi-savings-rate"
CHART_CATEGORY = "chart-spending-by-category"
CHART_MONTHLY = "chart-income-spending-by-month"
CHART_STACKED = "chart-spending-over-time"
CHART_NET_WORTH = "chart-net-worth"
CHART_PAYEES = "chart-top-payees"
CHART_TAGS = "chart-spending-by-tag"
# The category and stacked charts by category or by group, and the group drilled into:
# a store {"group_id": id} (empty: not drilled) and its breadcrumb, whose first part goes back.
CATEGORY_VIEW = "category-view"
CATEGORY_DRILL_STORE = "category-drill-store"
CATEGORY_BREADCRUMB = "category-breadcrumb"
CATEGORY_DRILL_ROOT = "category-drill-root"
CATEGORY_DRILL_CURRENT = "category-drill-current"
GAUGES = "budget-gauges"
OVERVIEW_EMPTY = "overview-empty"
OVERVIEW_TRANSACTIONS = "overview-transactions"
# The end-of-month card: each account's projected balance, the month's net, and the path chart.
MONTH_END_BODY = "month-end-body"
CHART_MONTH_END = "chart-month-end"

# Transactions.
GRID = "transactions-grid"
GRID_TOTALS = "transactions-totals"
SEARCH = "transactions-search"
ENTRY_FORM = "entry-form"
ENTRY_MODE = "entry-mode"
ENTRY_DATE = "entry-date"
ENTRY_AMOUNT = "entry-amount"
ENTRY_ACCOUNT = "entry-account"
# The data_version the user's category model was last trained for (callbacks/model_warmup.py).
MODEL_WARM_STORE = "model-warm-store"
# The category model's top 3 for the payee typed, with how sure it is (data/suggest/).
ENTRY_SUGGESTIONS = "entry-suggestions"
ENTRY_TO_ACCOUNT = "entry-to-account"
ENTRY_CATEGORY = "entry-category"
ENTRY_PAYEE = "entry-payee"
ENTRY_PAYEE_OPTIONS = "entry-payee-options"
ENTRY_MEMO = "entry-memo"
ENTRY_TAGS = "entry-tags"
ENTRY_SUBMIT = "entry-submit"
ENTRY_FEEDBACK = "entry-feedback"
ENTRY_ERRORS = "entry-errors"
# The key of the entry the form is about to store: a retry sends it again (see
# dashboard/callbacks/transaction_saving.py).
ENTRY_SUBMISSION_KEY = "entry-submission-key"
EDIT_MODAL = "edit-modal"
EDIT_ID = "edit-transaction-id"
EDIT_DATE = "edit-date"
EDIT_AMOUNT = "edit-amount"
EDIT_ACCOUNT = "edit-account"
EDIT_CATEGORY = "edit-category"
EDIT_PAYEE = "edit-payee"
EDIT_MEMO = "edit-memo"
EDIT_TAGS = "edit-tags"
EDIT_SAVE = "edit-save"
EDIT_DELETE = "edit-delete"
EDIT_CANCEL = "edit-cancel"
EDIT_ERRORS = "edit-errors"
DELETE_CONFIRM = "delete-confirm"
UNDO_TOAST = "undo-toast"
UNDO_BUTTON = "undo-button"
UNDO_STORE = "undo-store"
UNDO_MESSAGE = "undo-message"
ENTRY_EMPTY = "entry-empty"
ENTRY_CARD = "entry-card"
ENTRY_FOCUS_SIGNAL = "entry-focus-signal"
GRID_SYNC_SIGNAL = "transactions-grid-sync"
# The export links: their hrefs carry the grid's filter and search.
EXPORT_CSV = "transactions-export-csv"
EXPORT_BEANCOUNT = "transactions-export-beancount"

# Split parts of the entry form and the edit modal (dashboard/split_editor.py). Each part's
# inputs are pattern-matching: {"type": SPLIT_AMOUNT, "form": "entry" | "edit", "index": n}.
SPLIT_CATEGORY = "split-category"
SPLIT_AMOUNT = "split-amount"
SPLIT_MEMO = "split-memo"
SPLIT_TAGS = "split-tags"
ENTRY_SPLIT_BOX = "entry-split-box"
ENTRY_SPLIT_PARTS = "entry-split-parts"
ENTRY_SPLIT_ADD = "entry-split-add"
ENTRY_SPLIT_LEFT = "entry-split-left"
EDIT_SPLIT_PARTS = "edit-split-parts"
EDIT_SPLIT_ADD = "edit-split-add"
EDIT_SPLIT_LEFT = "edit-split-left"
EDIT_CATEGORY_COL = "edit-category-col"


def split_part_id(kind: str, form: object, index: object) -> dict[str, object]:
    """The id of one input of a split part: kind is SPLIT_CATEGORY, SPLIT_AMOUNT or SPLIT_MEMO."""
    return {"type": kind, "form": form, "index": index}


# Transactions: the entry form and the edit modal (dashboard/transaction_forms.py).
ENTRY_ACCOUNT_LABEL = "entry-account-label"
ENTRY_TO_ACCOUNT_COL = "entry-to-account-col"
ENTRY_CATEGORY_COL = "entry-category-col"
ENTRY_AMOUNT_HELP = "entry-amount-help"
EDIT_FIELDS_BOX = "edit-fields"
EDIT_MODAL_TITLE = "edit-modal-title"
ENTRY_RECEIPT = "entry-receipt"
ENTRY_RECEIPT_NAME = "entry-receipt-name"
EDIT_RECEIPT = "edit-receipt"
EDIT_RECEIPT_NAME = "edit-receipt-name"
# Set by the browser once a chosen file passed its size check: the upload callback's trigger.
EDIT_RECEIPT_READY = "edit-receipt-ready"
EDIT_RECEIPT_CURRENT = "edit-receipt-current"
EDIT_RECEIPT_REMOVE = "edit-receipt-remove"
RECEIPT_REMOVE_CONFIRM = "receipt-remove-confirm"
# The entry form's "amount received" of a transfer between two currencies (callbacks/
# transfer_currencies.py shows it only then), its column and label.
ENTRY_RECEIVED = "entry-received"
ENTRY_RECEIVED_COL = "entry-received-col"
ENTRY_RECEIVED_LABEL = "entry-received-label"
# A form's field name -> the id of its input.
ENTRY_FIELDS = {
    "date": ENTRY_DATE,
    "amount": ENTRY_AMOUNT,
    "account": ENTRY_ACCOUNT,
    "to_account": ENTRY_TO_ACCOUNT,
    "received": ENTRY_RECEIVED,
    "category": ENTRY_CATEGORY,
    "payee": ENTRY_PAYEE,
    "memo": ENTRY_MEMO,
    "tags": ENTRY_TAGS,
    "receipt": ENTRY_RECEIPT,
}
EDIT_FIELDS = {
    "date": EDIT_DATE,
    "amount": EDIT_AMOUNT,
    "account": EDIT_ACCOUNT,
    "category": EDIT_CATEGORY,
    "payee": EDIT_PAYEE,
    "memo": EDIT_MEMO,
    "tags": EDIT_TAGS,
}


def feedback_id(field_id: str) -> str:
    """The id of the message shown under a form field."""
    return f"{field_id}-feedback"


# Budgets.
BUDGET_MONTH_STORE = "budget-month-store"
BUDGET_PREV = "budget-prev-month"
BUDGET_NEXT = "budget-next-month"
BUDGET_MONTH_LABEL = "budget-month-label"
BUDGET_TABLE = "budget-table"
BUDGET_GAUGES = "budget-page-gauges"
BUDGET_COPY = "budget-copy-last-month"
BUDGET_FEEDBACK = "budget-feedback"
BUDGET_NEW_CATEGORY = "budget-new-category"
BUDGET_NEW_LIMIT = "budget-new-limit"
BUDGET_ADD = "budget-add"
BUDGET_NEW_LIMIT_ERROR = "budget-new-limit-error"
BUDGET_ADD_FORM = "budget-add-form"
# Pattern-matching ids of the per-category rows: {"type": ..., "category": category_id}.
BUDGET_LIMIT_INPUT = "budget-limit-input"
BUDGET_LIMIT_ERROR = "budget-limit-error"

# Accounts, categories & tags (/accounts).
ACCOUNTS_TABLE = "settings-accounts"
CATEGORIES_TABLE = "settings-categories"
GROUPS_TABLE = "settings-groups"
TAGS_TABLE = "settings-tags"
NEW_ACCOUNT_NAME = "new-account-name"
NEW_ACCOUNT_TYPE = "new-account-type"
NEW_ACCOUNT_CURRENCY = "new-account-currency"
NEW_ACCOUNT_OPENING = "new-account-opening"
NEW_ACCOUNT_SUBMIT = "new-account-submit"
NEW_ACCOUNT_FEEDBACK = "new-account-feedback"
NEW_CATEGORY_NAME = "new-category-name"
NEW_CATEGORY_KIND = "new-category-kind"
NEW_CATEGORY_COLOR = "new-category-color"
NEW_CATEGORY_SUBMIT = "new-category-submit"
NEW_CATEGORY_FEEDBACK = "new-category-feedback"
NEW_GROUP_NAME = "new-group-name"
NEW_GROUP_SUBMIT = "new-group-submit"
NEW_GROUP_FEEDBACK = "new-group-feedback"
ACCOUNTS_FEEDBACK = "settings-feedback"
ACCOUNTS_START_HERE = "settings-start-here"
# Pattern-matching ids of the table rows: {"type": ..., "id": row_id} and, for the archive
# buttons, "action": "archive" | "unarchive" (the button says what it does, so a stale page
# can never flip a row the wrong way).
ACCOUNT_NAME_INPUT = "settings-account-name"
ACCOUNT_NAME_ERROR = "settings-account-name-error"
ACCOUNT_ARCHIVE = "settings-account-archive"
CATEGORY_NAME_INPUT = "settings-category-name"
CATEGORY_NAME_ERROR = "settings-category-name-error"
CATEGORY_ARCHIVE = "settings-category-archive"
# A category's group: a select per category row, {"type": ..., "id": category_id}.
CATEGORY_GROUP_SELECT = "settings-category-group"
GROUP_NAME_INPUT = "settings-group-name"
GROUP_NAME_ERROR = "settings-group-name-error"
GROUP_DELETE = "settings-group-delete"
# A tag's row: its name, a select of the tag to merge it into, and its delete button.
TAG_NAME_INPUT = "settings-tag-name"
TAG_NAME_ERROR = "settings-tag-name-error"
TAG_MERGE = "settings-tag-merge"
TAG_DELETE = "settings-tag-delete"
# An add form's field name -> the id of its input.
NEW_ACCOUNT_FIELDS = {
    "name": NEW_ACCOUNT_NAME,
    "type": NEW_ACCOUNT_TYPE,
    "currency": NEW_ACCOUNT_CURRENCY,
    "opening_balance_minor": NEW_ACCOUNT_OPENING,
}
NEW_CATEGORY_FIELDS = {
    "name": NEW_CATEGORY_NAME,
    "kind": NEW_CATEGORY_KIND,
    "color": NEW_CATEGORY_COLOR,
}
NEW_GROUP_FIELDS = {"name": NEW_GROUP_NAME}


def error_id(field_id: str) -> str:
    """The id of the message under a field of the add forms."""
    return f"{field_id}-error"


# A rule learned from edits, offered on /transactions: "Always put Netflix in Subscriptions?"
# The store holds the offer {"payee", "category_id"}; the page sends it back to create the rule.
RULE_OFFER_TOAST = "rule-offer-toast"
RULE_OFFER_TEXT = "rule-offer-text"
RULE_OFFER_STORE = "rule-offer-store"
RULE_OFFER_CREATE = "rule-offer-create"

# Import (/import): upload, the CSV's reading, the review of every line, commit, history.
IMPORT_UPLOAD = "import-upload"
IMPORT_UPLOAD_STATUS = "import-upload-status"
IMPORT_ACCOUNT = "import-account"
IMPORT_ACCOUNT_NOTE = "import-account-note"
# {"upload_id": id, "file_name": name} of the staged file under review; {} when none.
IMPORT_STATE = "import-state"
# What the last preview used and found: {"mapping": {...} | None, "account_id", "importable"}.
IMPORT_PREVIEW_STORE = "import-preview-store"
IMPORT_MAPPING_CARD = "import-mapping-card"
IMPORT_MAPPING_SUMMARY = "import-mapping-summary"
IMPORT_MAP_DATE_COLUMN = "import-map-date-column"
IMPORT_MAP_DATE_FORMAT = "import-map-date-format"
IMPORT_MAP_AMOUNT_MODE = "import-map-amount-mode"
IMPORT_MAP_AMOUNT = "import-map-amount"
IMPORT_MAP_DEBIT = "import-map-debit"
IMPORT_MAP_CREDIT = "import-map-credit"
IMPORT_MAP_INDICATOR = "import-map-indicator"
IMPORT_MAP_DECIMAL = "import-map-decimal"
IMPORT_MAP_PAYEE = "import-map-payee"
IMPORT_MAP_MEMO = "import-map-memo"
IMPORT_MAP_INVERT = "import-map-invert"
IMPORT_MAP_APPLY = "import-map-apply"
IMPORT_QUESTIONS = "import-questions"
IMPORT_PROGRESS = "import-progress"
IMPORT_SUMMARY = "import-summary"
IMPORT_PROBABLE = "import-probable-default"
IMPORT_GRID = "import-grid"
# {line number: "import" | "skip" | "link"}: the person's changes to the default decisions.
IMPORT_DECISIONS = "import-decisions"
IMPORT_COMMIT = "import-commit"
IMPORT_RESULT = "import-result"
IMPORT_HISTORY = "import-history"
IMPORT_HISTORY_REFRESH = "import-history-refresh"
# A history row's undo button: {"type": IMPORT_UNDO, "id": batch_id}.
IMPORT_UNDO = "import-undo"
IMPORT_UNDO_MODAL = "import-undo-modal"
IMPORT_UNDO_TEXT = "import-undo-text"
IMPORT_UNDO_BATCH = "import-undo-batch"
IMPORT_UNDO_CONFIRM = "import-undo-confirm"
IMPORT_UNDO_CANCEL = "import-undo-cancel"
IMPORT_UNDO_FEEDBACK = "import-undo-feedback"
# A CSV mapping's field name (data/imports/csv_mapping.py) -> the control that sets it.
IMPORT_MAPPING_FIELDS = {
    "date_column": IMPORT_MAP_DATE_COLUMN,
    "date_format": IMPORT_MAP_DATE_FORMAT,
    "amount_mode": IMPORT_MAP_AMOUNT_MODE,
    "amount_column": IMPORT_MAP_AMOUNT,
    "debit_column": IMPORT_MAP_DEBIT,
    "credit_column": IMPORT_MAP_CREDIT,
    "indicator_column": IMPORT_MAP_INDICATOR,
    "decimal_mark": IMPORT_MAP_DECIMAL,
    "payee_columns": IMPORT_MAP_PAYEE,
    "memo_columns": IMPORT_MAP_MEMO,
    "invert_sign": IMPORT_MAP_INVERT,
}

# Rules (/rules): the ordered list, the editor, "test this rule", apply to existing and undo.
RULES_LIST = "rules-list"
RULES_FEEDBACK = "rules-feedback"
RULES_NEW = "rules-new"
RULES_APPLY_ALL = "rules-apply-all"
# A rule's row: {"type": ..., "id": rule_id}; the move buttons also "action": "up" | "down".
RULE_ENABLED = "rule-enabled"
RULE_MOVE = "rule-move"
RULE_EDIT = "rule-edit"
RULE_APPLY = "rule-apply"
RULE_DELETE = "rule-delete"
RULE_DELETE_MODAL = "rule-delete-modal"
RULE_DELETE_TEXT = "rule-delete-text"
# The id of the rule the delete modal asks about.
RULE_DELETE_TARGET = "rule-delete-target"
RULE_DELETE_CONFIRM = "rule-delete-confirm"
RULE_DELETE_CANCEL = "rule-delete-cancel"
# The editor: a card, hidden until New or Edit; RULE_EDIT_ID holds the rule's id (None: new).
RULE_EDITOR = "rule-editor"
RULE_EDITOR_TITLE = "rule-editor-title"
RULE_EDIT_ID = "rule-edit-id"
RULE_NAME = "rule-name"
RULE_MATCH = "rule-match"
RULE_STOP = "rule-stop"
RULE_CONDITIONS = "rule-conditions"
RULE_CONDITION_ADD = "rule-condition-add"
RULE_ACTIONS = "rule-actions"
RULE_ACTION_ADD = "rule-action-add"
RULE_ROWS_MESSAGE = "rule-rows-message"
RULE_SAVE = "rule-save"
RULE_CANCEL = "rule-cancel"
RULE_TEST = "rule-test"
RULE_TEST_RESULT = "rule-test-result"
RULE_ERRORS = "rule-errors"
# A condition row's controls, {"type": ..., "index": n}; only those its field and op use count.
COND_FIELD = "rule-cond-field"
COND_OP = "rule-cond-op"
COND_TEXT = "rule-cond-text"
COND_AMOUNT = "rule-cond-amount"
COND_HIGH = "rule-cond-high"
COND_SIGN = "rule-cond-sign"
COND_ACCOUNT = "rule-cond-account"
COND_REMOVE = "rule-cond-remove"
# The boxes shown or hidden by a condition's field and op: {"type": COND_BOX, "index": n,
# "part": "text" | "amount" | "high" | "sign" | "account"}.
COND_BOX = "rule-cond-box"
# An action row's controls, {"type": ..., "index": n}; boxes as COND_BOX with
# "part": "category" | "text" | "tags".
ACTION_KIND = "rule-action-kind"
ACTION_CATEGORY = "rule-action-category"
ACTION_TEXT = "rule-action-text"
ACTION_TAGS = "rule-action-tags"
ACTION_REMOVE = "rule-action-remove"
ACTION_BOX = "rule-action-box"
# Apply to existing: the modal showing what would change, the rules it is about
# ({"rule_ids": [id] | None for all enabled}), the result with its Undo, the last run's id.
RULES_APPLY_MODAL = "rules-apply-modal"
RULES_APPLY_TEXT = "rules-apply-text"
RULES_APPLY_TARGET = "rules-apply-target"
RULES_APPLY_CONFIRM = "rules-apply-confirm"
RULES_APPLY_CANCEL = "rules-apply-cancel"
RULES_RESULT = "rules-result"
RULES_UNDO = "rules-undo"
RULES_RUN_STORE = "rules-run-store"

# /schedules: recurring transactions. The list, the editor (SCHEDULE_EDIT_ID: the schedule's
# id, None for a new one), its fields by the write's field name (SCHEDULE_FIELDS), a row's
# buttons {"type": SCHEDULE_ROW_EDIT | SCHEDULE_ROW_DELETE, "id": schedule_id}.
SCHEDULES_LIST = "schedules-list"
SCHEDULES_FEEDBACK = "schedules-feedback"
SCHEDULE_NEW = "schedule-new"
SCHEDULE_EDITOR_TITLE = "schedule-editor-title"
SCHEDULE_EDIT_ID = "schedule-edit-id"
SCHEDULE_SAVE = "schedule-save"
SCHEDULE_ERRORS = "schedule-errors"
SCHEDULE_ROW_EDIT = "schedule-row-edit"
SCHEDULE_ROW_DELETE = "schedule-row-delete"
SCHEDULE_FIELDS = {
    "name": "schedule-name",
    "account_id": "schedule-account",
    "payee": "schedule-payee",
    "category_id": "schedule-category",
    "amount_minor": "schedule-amount",
    "memo": "schedule-memo",
    "starts_on": "schedule-starts-on",
    "frequency": "schedule-frequency",
    "interval": "schedule-interval",
    "day": "schedule-day",
    "end": "schedule-end",
    "until": "schedule-until",
    "count": "schedule-count",
    "custom": "schedule-custom",
    "weekend_shift": "schedule-weekend-shift",
    "auto_post": "schedule-auto-post",
    "active": "schedule-active",
}
# The overview's "Upcoming" card: its rows' buttons are {"type": UPCOMING_POST | UPCOMING_SKIP,
# "schedule": schedule_id, "due": "YYYY-MM-DD"} (the rule's date); Edit is a link to /schedules.
UPCOMING_LIST = "upcoming-list"
UPCOMING_FEEDBACK = "upcoming-feedback"
UPCOMING_POST = "upcoming-post"
UPCOMING_SKIP = "upcoming-skip"
# The edit modal's "Create schedule from this transaction" link (/schedules?from=<id>).
EDIT_MAKE_SCHEDULE = "edit-make-schedule"
# Goals (/goals): the list, archived goals apart, the create/edit form, and the overview's cards.
GOALS_LIST = "goals-list"
GOALS_ARCHIVED = "goals-archived"
GOALS_FEEDBACK = "goals-feedback"
GOAL_FORM_TITLE = "goal-form-title"
# The id of the goal being edited (None: the form creates one).
GOAL_EDIT_ID = "goal-edit-id"
# Bumped after each save: the form empties itself.
GOAL_SAVED = "goal-saved"
GOAL_NAME = "goal-name"
GOAL_TARGET = "goal-target"
GOAL_TARGET_DATE = "goal-target-date"
GOAL_SOURCE = "goal-source"
GOAL_ACCOUNT = "goal-account"
GOAL_TAG = "goal-tag"
GOAL_STARTS_ON = "goal-starts-on"
GOAL_ACCOUNT_BOX = "goal-account-box"
GOAL_TAG_BOX = "goal-tag-box"
GOAL_SAVE = "goal-save"
GOAL_CANCEL = "goal-cancel"
# A goal's row buttons: {"type": GOAL_EDIT, "id": goal_id}, and {"type": GOAL_ACTION, "id":
# goal_id, "action": "archive" | "unarchive" | "delete"} (the button says what it does).
GOAL_EDIT = "goal-edit"
GOAL_ACTION = "goal-action"
# Ids of goals whose reaching was already celebrated (this browser's localStorage): the toast
# shows once.
GOAL_CELEBRATED = "goal-celebrated"
GOAL_TOAST = "goal-toast"
# The form's field name -> the id of its input; each has its message at feedback_id(id).
GOAL_FIELDS = {
    "name": GOAL_NAME,
    "target": GOAL_TARGET,
    "target_date": GOAL_TARGET_DATE,
    "source": GOAL_SOURCE,
    "account": GOAL_ACCOUNT,
    "tag": GOAL_TAG,
    "starts_on": GOAL_STARTS_ON,
}
OVERVIEW_GOALS = "overview-goals"

# Budget rollover (/budgets): a category row's toggle {"type": ..., "category": category_id},
# and the month's available to budget.
BUDGET_ROLLOVER_TOGGLE = "budget-rollover-toggle"
BUDGET_AVAILABLE = "budget-available-to-budget"
# --- /rates: exchange rates (dashboard/pages/rates.py, callbacks/rates.py) ---
RATES_BASE = "rates-base"
RATES_NEEDED = "rates-needed"
RATES_LIST = "rates-list"
RATES_REFRESH = "rates-refresh"
RATES_FEEDBACK = "rates-feedback"
RATE_CURRENCY = "rate-currency"
RATE_DATE = "rate-date"
RATE_VALUE = "rate-value"
RATE_SAVE = "rate-save"
RATES_UPLOAD = "rates-upload"
RATES_UPLOAD_FEEDBACK = "rates-upload-feedback"
# A listed rate's delete button: {"type": RATE_DELETE, "id": rate_id}.
RATE_DELETE = "rate-delete"
# The overview's line under the KPIs: the reporting currency, the rates used (on hover) and
# the amounts that could not be converted.
OVERVIEW_CURRENCY_NOTE = "overview-currency-note"
