"""A private PostgreSQL for one test session (NEUTRINO_TEST_DB=postgresql).

The cluster lives in a fresh directory under /tmp, listens only on a unix socket
there, and runs in the foreground as a child of the test process, which it does not
outlive (PR_SET_PDEATHSIG).  PostgreSQL refuses to run as root, so under root it runs
as 'nobody'.  Each neutrino-server of the session gets a database of its own ("n1",
"n2", ...), or shares one when a test asks for several servers on one database.

The servers connect as the README's operators do: as "neutrino", an ordinary role
(NOSUPERUSER, no CREATEDB or CREATEROLE) that signs in with a password and owns the
databases it uses, and nothing else.  The cluster's superuser "postgres" is trusted
on the socket and only makes roles and databases.

synchronous_commit stays on: the durability tests kill servers and the database,
and an acknowledged commit must survive that.  fsync is off: only a machine crash
would lose data, and tests do not survive that anyway.
"""

import atexit
import ctypes
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

_cluster = None

SUPERUSER = "postgres"
ROLE = "neutrino"


def wanted():
    """The backend the API tests run on: 'sqlite' (the default) or 'postgresql'."""
    db = os.environ.get("NEUTRINO_TEST_DB", "sqlite")
    if db not in ("sqlite", "postgresql"):
        raise RuntimeError("NEUTRINO_TEST_DB=%s: give sqlite or postgresql" % db)
    return db


def _bin_dir():
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda d: int(d.split("/")[-2]))
    if not dirs or not os.access(os.path.join(dirs[-1], "initdb"), os.X_OK):
        # Fail rather than skip: a skip would hide a backend that stopped being tested.
        raise RuntimeError("NEUTRINO_TEST_DB=postgresql but PostgreSQL's server binaries "
                           "are missing (apt-get install postgresql)")
    return dirs[-1]


class Cluster:
    def __init__(self):
        self.bin = _bin_dir()
        self.dir = tempfile.mkdtemp(prefix="ntpg-", dir="/tmp")
        self.data = os.path.join(self.dir, "data")
        self.proc = None
        self.next_db = 0
        self.password = "pw-" + os.urandom(8).hex()
        self.uid = self.gid = None
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self.uid, self.gid = nobody.pw_uid, nobody.pw_gid
            os.chown(self.dir, self.uid, self.gid)

    def _drop_privileges(self):
        """preexec_fn for the cluster's commands: run as the cluster's owner."""
        if self.uid is not None:
            os.setgroups([])
            os.setgid(self.gid)
            os.setuid(self.uid)

    def _as_child(self):
        """preexec_fn for the server: drop privileges, then ask to die with us (a change
        of credentials clears the death signal, so the order matters)."""
        self._drop_privileges()
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG

    def run(self, *cmd):
        subprocess.run([os.path.join(self.bin, cmd[0])] + list(cmd[1:]), check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, preexec_fn=self._drop_privileges,
                       cwd=self.dir)

    def start(self):
        self.run("initdb", "-D", self.data, "-U", SUPERUSER, "--no-sync", "--locale=C",
                 "-E", "UTF8")
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as f:
            f.write("local all %s trust\nlocal all all scram-sha-256\n" % SUPERUSER)
        self._run_postgres()
        self.psql("postgres", "CREATE ROLE %s LOGIN PASSWORD '%s' NOSUPERUSER NOCREATEDB "
                  "NOCREATEROLE" % (ROLE, self.password))
        return self

    def _run_postgres(self):
        """Runs the server on the data directory, in the foreground, as our child."""
        log = open(os.path.join(self.dir, "server.log"), "ab")
        self.proc = subprocess.Popen(
            [os.path.join(self.bin, "postgres"), "-D", self.data, "-k", self.dir,
             "-c", "listen_addresses=", "-c", "fsync=off", "-c", "max_connections=200",
             "-c", "shared_buffers=64MB"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=self._as_child,
            cwd=self.dir)
        log.close()
        self.wait_ready()

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("postgres exited with %s:\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            r = subprocess.run([os.path.join(self.bin, "pg_isready"), "-q", "-h", self.dir],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("postgres did not get ready:\n" + self.log_tail())

    def restart(self, mode="fast"):
        """Stops the server (fast: ends sessions, checkpoint) and starts it again on the
        same data; what was committed stays."""
        self.stop_server(signal.SIGINT if mode == "fast" else signal.SIGQUIT)
        self._run_postgres()

    def stop_server(self, sig=signal.SIGINT):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def new_database(self, name=None):
        if name is None:
            self.next_db += 1
            name = "n%d" % self.next_db
        self.run("createdb", "-h", self.dir, "-U", SUPERUSER, "-O", ROLE, name)
        return name

    def url(self, name):
        """The servers' [database] connection: the ordinary role, with its password."""
        return "postgresql://%s:%s@/%s?host=%s" % (ROLE, self.password, name, self.dir)

    def psql(self, name, sql):
        """Runs 'sql' in database 'name' as the cluster's superuser."""
        r = subprocess.run([os.path.join(self.bin, "psql"), "-h", self.dir, "-U", SUPERUSER,
                            "-d", name, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                           check=True, capture_output=True, text=True,
                           preexec_fn=self._drop_privileges)
        return r.stdout

    def log_tail(self, lines=30):
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def destroy(self):
        self.stop_server(signal.SIGINT)
        shutil.rmtree(self.dir, ignore_errors=True)


def cluster():
    """The session's cluster, started on first use and removed when the tests end."""
    global _cluster
    if _cluster is None:
        _cluster = Cluster()
        atexit.register(_cluster.destroy)
        try:
            _cluster.start()
        except Exception:
            _cluster.destroy()
            raise
    return _cluster
