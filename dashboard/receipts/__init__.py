"""Receipts on the web side: what an upload is, by content (files), its file on disk written
atomically (storage), storing it with its transaction's row and removing it after (stored),
the authorised download route with the upload size limit (download), and the browser's size
check before an upload is posted (upload_js). A module belongs here if it handles receipt files
or their route; the rows themselves are data/receipt_writes.py's. Nothing is re-exported:
import each name from the module that defines it.
"""
