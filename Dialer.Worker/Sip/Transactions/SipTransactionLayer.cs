using System.Collections.Concurrent;
using System.Net;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Transactions;

/// <summary>
/// Matches messages to transactions (RFC 3261 §17.1.3, §17.2.3) and creates server transactions for new requests.
/// Requests that start a transaction, ACKs for 2xx, and responses no transaction claims go up to the core.
/// </summary>
public sealed class SipTransactionLayer(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SipClientTransaction> clients = new();
    private readonly ConcurrentDictionary<string, SipServerTransaction> servers = new();
    private readonly ConcurrentDictionary<string, InviteServerTransaction> awaitingAck = new();

    public TimeProvider Time { get; } = time;

    /// <summary>A new request with its server transaction (null for an ACK outside any transaction).</summary>
    public Action<SipRequest, SipServerTransaction?, SipChannel, IPEndPoint>? RequestReceived { get; set; }

    /// <summary>A response that matched no client transaction (e.g. a 2xx retransmission after timer M).</summary>
    public Action<SipResponse, SipChannel, IPEndPoint>? StrayResponse { get; set; }

    public int ClientCount => clients.Count;

    public int ServerCount => servers.Count;

    public InviteClientTransaction SendInvite(SipRequest request, SipChannel channel, IPEndPoint remote, IClientTransactionUser user)
    {
        var tx = new InviteClientTransaction(request, channel, remote, Time, user);
        Track(tx);
        tx.Start();
        return tx;
    }

    public NonInviteClientTransaction SendNonInvite(SipRequest request, SipChannel channel, IPEndPoint remote, IClientTransactionUser user)
    {
        var tx = new NonInviteClientTransaction(request, channel, remote, Time, user);
        Track(tx);
        tx.Start();
        return tx;
    }

    private void Track(SipClientTransaction tx)
    {
        clients[tx.Key] = tx;
        tx.Terminated = t => clients.TryRemove(new KeyValuePair<string, SipClientTransaction>(t.Key, (SipClientTransaction)t));
    }

    public SipServerTransaction? FindServer(SipVia via, string method) =>
        servers.TryGetValue(SipTransaction.ServerKey(via, method), out var tx) ? tx : null;

    public void OnMessage(SipChannel channel, SipMessage message, IPEndPoint remote)
    {
        if (message is SipResponse response)
        {
            var branch = response.TopVia?.Branch;
            if (branch is not null && clients.TryGetValue(SipTransaction.ClientKey(branch, response.CSeq.Method), out var client))
            {
                client.ReceiveResponse(response);
            }
            else
            {
                StrayResponse?.Invoke(response, channel, remote);
            }

            return;
        }

        var request = (SipRequest)message;
        var via = request.TopVia!;
        var key = SipTransaction.ServerKey(via, request.Method);
        if (request.Method == SipMethods.Ack)
        {
            if (servers.TryGetValue(key, out var invite) && invite is InviteServerTransaction { State: SipTransactionState.Completed } ist)
            {
                ist.ReceiveAck(request);
                return;
            }

            if (awaitingAck.TryRemove(AckKey(request), out var accepted))
            {
                accepted.ReceiveAck(request);
            }

            RequestReceived?.Invoke(request, null, channel, remote);
            return;
        }

        if (servers.TryGetValue(key, out var existing))
        {
            existing.ReceiveRetransmission(request);
            return;
        }

        SipServerTransaction tx;
        if (request.Method == SipMethods.Invite)
        {
            var ist = new InviteServerTransaction(key, request, channel, remote, Time);
            var ackKey = AckKey(request);
            awaitingAck[ackKey] = ist;
            ist.Terminated = t =>
            {
                servers.TryRemove(new KeyValuePair<string, SipServerTransaction>(t.Key, (SipServerTransaction)t));
                awaitingAck.TryRemove(new KeyValuePair<string, InviteServerTransaction>(ackKey, ist));
            };
            if (!servers.TryAdd(key, ist))
            {
                return;
            }

            ist.Begin();
            tx = ist;
        }
        else
        {
            var nist = new NonInviteServerTransaction(key, request, channel, remote, Time)
            {
                Terminated = t => servers.TryRemove(new KeyValuePair<string, SipServerTransaction>(t.Key, (SipServerTransaction)t)),
            };
            if (!servers.TryAdd(key, nist))
            {
                return;
            }

            nist.Begin();
            tx = nist;
        }

        RequestReceived?.Invoke(request, tx, channel, remote);
    }

    private static string AckKey(SipRequest request) => request.CallId + "|" + request.CSeq.Number;
}
