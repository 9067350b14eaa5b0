"""`python -m load.drill`: failure drills against the reference service.

`database.py` kills the service's PostgreSQL backends while writers and readers run,
then checks that every acknowledged write is still there; `redis.py` takes Redis away
while logins run. Both talk HTTP only (the service runs as a child process) and print
their figures.
"""
