"""Routing: which agent answers which conversation, and in what order.

Pure policies over snapshots of agents, teams, lanes and waiting conversations: push
(`push.choose_agent`), pull (`pull.next_conversation`), sticky, overflow, transfers,
takeovers and the owning lane's notice, and the queue order with a reason for each
position. No database, no clock (callers pass `now`), no network; every decision carries
an explanation a supervisor can read. The teams and agents file is read by `config_file`.
"""
