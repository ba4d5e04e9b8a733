"""Academy without a connection: the service worker, the web app manifest,
the list of what a phone saves of a course, a fresh CSRF token for answers
sent from a phone's queue, and the box's certificate authority for phones
(the secure address a service worker needs)."""
