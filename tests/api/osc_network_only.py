"""Runs the real openstack client (python-openstackclient 6.0) on a cloud that has only
the network service: its compute and volume clients are replaced by ones whose quota
calls fail as an absent endpoint does (EndpointNotFound, which the quota commands skip),
so `quota show` and `quota set` reach the network part, as later clients' --network
option does."""
import sys


class EndpointNotFound(Exception):
    pass


class _NoQuotas:
    def __getattr__(self, name):
        def call(*a, **kw):
            raise EndpointNotFound("no such service")
        return call


class _NoService:
    quotas = _NoQuotas()
    quota_classes = _NoQuotas()


def _make_client(instance):
    return _NoService()


import openstackclient.compute.client as compute_client  # noqa: E402
import openstackclient.volume.client as volume_client  # noqa: E402

compute_client.make_client = _make_client
volume_client.make_client = _make_client

from openstackclient import shell  # noqa: E402

sys.exit(shell.main(sys.argv[1:]))
