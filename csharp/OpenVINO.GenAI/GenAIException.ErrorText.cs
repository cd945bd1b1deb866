using System;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenVINO.GenAI
{
    public partial class GenAIException
    {
        // The GenAI C layer catches every C++ exception and returns a bare status, keeping no message.
        // For ov_status_e the OpenVINO core C library (libopenvino_c, shipped beside GenAI) describes
        // each status with ov_get_error_info. ov_get_last_err_msg is deliberately not used: GenAI's
        // C layer never sets it, so it would hold text of some earlier, unrelated core call.
        [DllImport("openvino_c", EntryPoint = "ov_get_error_info", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        private static extern IntPtr ov_get_error_info(Status status);

        static partial void DescribeStatus(string statusEnum, int code, ref string detail)
        {
            if (statusEnum != "ov_status_e") return;
            try
            {
                IntPtr text = ov_get_error_info((Status)code);
                if (text == IntPtr.Zero) return;
                int length = 0;
                while (Marshal.ReadByte(text, length) != 0) length++;
                var bytes = new byte[length];
                Marshal.Copy(text, bytes, 0, length);
                detail = "OpenVINO describes it as \"" + Encoding.UTF8.GetString(bytes) + "\"";
            }
            catch (DllNotFoundException)
            {
                // No libopenvino_c here (e.g. the test double): the status name has to do.
            }
            catch (EntryPointNotFoundException)
            {
            }
        }
    }
}
