"""Who is asking and what they may send and receive: the one login guard with login/logout,
rate limits and CSRF (auth), password hashing (passwords), the server-side sessions and their
Redis copies (session_store, session_copies), the shape check of a Dash callback body before
Dash reads it (request_shape), and the security headers and plain error pages of every response
(headers). A module belongs here if it decides whether a request is let in or how a response is
protected. Nothing is re-exported: import each name from the module that defines it.
"""
